namespace EdgeGateway.Core.Events;

/// <summary>Who publishes: site, gateway, this process start (boot id) and the software version.</summary>
public sealed class GatewayIdentity(string siteId, string gatewayId, TimeProvider time)
{
    public string SiteId { get; } = siteId;

    public string GatewayId { get; } = gatewayId;

    /// <summary>New every process start, so the center can tell restarts apart.</summary>
    public string BootId { get; } = Guid.CreateVersion7(time.GetUtcNow()).ToString();

    public static string Version { get; } =
        typeof(GatewayIdentity).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
