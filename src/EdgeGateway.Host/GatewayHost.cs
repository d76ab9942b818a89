using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace EdgeGateway.Host;

/// <summary>Builds the gateway host from the <see cref="GatewayConfiguration"/> sources.</summary>
public static class GatewayHost
{
    /// <summary>The one standard .NET section the gateway reads (log levels by category); its keys are free-form.</summary>
    public const string LoggingSection = "Logging";

    /// <param name="configFile">The JSON config; null for none (overrides only).</param>
    /// <param name="overrides">Keys over the file and the environment.</param>
    /// <param name="gatewayLogLevel">The least level logged for the gateway's own categories.</param>
    /// <param name="logSink">Where the log goes instead of the console (the demo's log file); the caller disposes it.</param>
    public static IHost Build(string? configFile, IReadOnlyDictionary<string, string?>? overrides = null, LogLevel gatewayLogLevel = LogLevel.Information, ILoggerProvider? logSink = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "edge-gateway",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddGatewaySources(configFile, overrides);

        builder.Services.AddSystemd();
        if (!SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            // AddSystemd speaks sd_notify only when systemd is the parent; also speak it to any supervisor that set
            // NOTIFY_SOCKET (systemd-run --scope, a container manager, the tests' fake socket): READY, STOPPING, WATCHDOG.
            builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        builder.Logging.AddConfiguration(builder.Configuration.GetSection(LoggingSection));
        builder.Services.AddRawConfigurationSection(LoggingSection);
        if (logSink is not null)
        {
            builder.Logging.AddProvider(logSink);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("EdgeGateway", gatewayLogLevel);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Services.AddEdgeGateway(builder.Configuration);
        // Every other top-level section is a typo or a leftover: refused, naming it (the keys inside are each options type's).
        builder.Services.AddKnownSectionsCheck(builder.Configuration);
        // The host builder puts its own settings into the configuration.
        foreach (var hostKey in new[] { HostDefaults.ApplicationKey, HostDefaults.ContentRootKey, HostDefaults.EnvironmentKey })
        {
            builder.Services.AddRawConfigurationSection(hostKey);
        }

        // Every loop is supervised (SupervisedLoop); should anything still escape, one part must not end the gateway.
        builder.Services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        return builder.Build();
    }
}
