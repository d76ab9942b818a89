using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace EdgeGateway.Host;

/// <summary>Builds the gateway host from the installer's JSON file, environment overrides and (for the demo) in-memory values.</summary>
public static class GatewayHost
{
    /// <summary>Where <c>run</c> looks for the configuration when <c>--config</c> is not given.</summary>
    public const string DefaultConfigFile = "/etc/edge-gateway/config.json";

    /// <summary>Environment variables with this prefix override the file, the .NET way: <c>EDGEGATEWAY_Mqtt__Host=…</c>.</summary>
    public const string EnvironmentPrefix = "EDGEGATEWAY_";

    public static IHost Build(string? configFile, IReadOnlyDictionary<string, string?>? overrides = null, LogLevel gatewayLogLevel = LogLevel.Information)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "edge-gateway",
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (configFile is not null)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Services.AddSystemd();
        if (!SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            // AddSystemd speaks sd_notify only when systemd is the parent; also speak it to any supervisor that set
            // NOTIFY_SOCKET (systemd-run --scope, a container manager, the tests' fake socket): READY, STOPPING, WATCHDOG.
            builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("EdgeGateway", gatewayLogLevel);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Services.AddEdgeGateway(builder.Configuration);
        return builder.Build();
    }
}
