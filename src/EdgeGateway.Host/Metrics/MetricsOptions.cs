using System.Net;
using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Metrics;

/// <summary>The <c>Metrics</c> section: the Prometheus endpoint (opt-in; loopback unless told otherwise).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Serve <c>http://{Address}:{Port}/metrics</c>.</summary>
    /// <value>Default false.</value>
    public bool Enabled { get; set; }

    /// <summary>The IP address to listen on; another than loopback exposes the gateway's counters to that network.</summary>
    /// <value>Default <c>127.0.0.1</c>; an IPv4 or IPv6 address, or <c>localhost</c>.</value>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The TCP port.</summary>
    /// <value>Default 9464 (OpenTelemetry's Prometheus port); 1-65535.</value>
    public int Port { get; set; } = 9464;

    /// <summary>The host part of the listener's URL (an IPv6 address in brackets).</summary>
    internal string UrlHost => IPAddress.TryParse(Address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : Address;
}

/// <summary>Checks the <c>Metrics</c> section.</summary>
public sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new ConfigErrors();
        errors.RequireRange("Metrics:Port", options.Port, 1, 65535);
        if (options.Address != "localhost" && !IPAddress.TryParse(options.Address, out _))
        {
            errors.Add("Metrics:Address", $"'{options.Address}' is not an IP address (or localhost)");
        }

        return errors.ToResult();
    }
}
