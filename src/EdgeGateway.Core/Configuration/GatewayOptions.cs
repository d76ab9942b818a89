namespace EdgeGateway.Core.Configuration;

/// <summary>The <c>Gateway</c> section: who this gateway is and where it keeps its data.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>School site id; a topic segment (lower-case letters, digits, '-', '_'). Required.</summary>
    public string SiteId { get; set; } = "";

    /// <summary>Gateway id within the site; also the MQTT client id. Required, same characters as <see cref="SiteId"/>.</summary>
    public string GatewayId { get; set; } = "";

    /// <summary>Where the outbox and the simulated GPIO socket live.</summary>
    /// <value>Default <c>/var/lib/edge-gateway</c> (the systemd StateDirectory).</value>
    public string DataDirectory { get; set; } = "/var/lib/edge-gateway";
}
