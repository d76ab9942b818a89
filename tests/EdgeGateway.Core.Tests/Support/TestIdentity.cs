using EdgeGateway.Configuration;
using EdgeGateway.Events;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Support;

internal static class TestIdentity
{
    public const string SiteId = "north-campus";
    public const string GatewayId = "gw-01";

    public static GatewayIdentity Create(TimeProvider time) =>
        new(Options.Create(new GatewayOptions { SiteId = SiteId, GatewayId = GatewayId }), time);
}
