using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Host;

/// <summary>
/// Where every verb's configuration comes from, in order: the installer's JSON file (under systemd the credential
/// of the same name, <see cref="CredentialPath"/>), environment overrides, and (for the demo) in-memory values.
/// </summary>
public static class GatewayConfiguration
{
    /// <summary>Where the verbs look for the configuration when <c>--config</c> is not given.</summary>
    public const string DefaultConfigFile = "/etc/edge-gateway/config.json";

    /// <summary>Environment variables with this prefix override the file, the .NET way: <c>EDGEGATEWAY_Mqtt__Host=…</c>.</summary>
    public const string EnvironmentPrefix = "EDGEGATEWAY_";

    /// <summary>Adds the gateway's configuration sources to <paramref name="builder"/>.</summary>
    public static IConfigurationBuilder AddGatewaySources(this IConfigurationBuilder builder, string? configFile, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        if (configFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(CredentialPath.Resolve(configFile)), optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder;
    }

    /// <summary>The configuration alone, for verbs that talk to a running gateway rather than build one.</summary>
    public static IConfigurationRoot Load(string configFile) => new ConfigurationBuilder().AddGatewaySources(configFile).Build();
}
