using EdgeGateway.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Events;

/// <summary>Who publishes: site, gateway, this process start (boot id) and the software version.</summary>
public sealed class GatewayIdentity
{
    public GatewayIdentity(IOptions<GatewayOptions> options, TimeProvider time)
    {
        SiteId = options.Value.SiteId;
        GatewayId = options.Value.GatewayId;
        BootId = Guid.CreateVersion7(time.GetUtcNow()).ToString();
    }

    public string SiteId { get; }

    public string GatewayId { get; }

    /// <summary>New every process start, so the center can tell restarts apart.</summary>
    public string BootId { get; }

    public static string Version { get; } =
        typeof(GatewayIdentity).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
