using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Tests.Support;

internal static class TestIdentity
{
    public const string SiteId = "north-campus";
    public const string GatewayId = "gw-01";

    public static GatewayIdentity Create(TimeProvider time) =>
        new(SiteId, GatewayId, time);
}
