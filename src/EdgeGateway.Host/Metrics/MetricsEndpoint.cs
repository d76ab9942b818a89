using System.Net;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace EdgeGateway.Host.Metrics;

/// <summary>
/// Serves <see cref="GatewayMetrics"/> as Prometheus text on <c>http://{Metrics:Address}:{Metrics:Port}/metrics</c>
/// (OpenTelemetry's HttpListener exporter) when <c>Metrics:Enabled</c>. Not in the alarm path: a port that cannot be
/// bound is logged and shown in health as <c>metrics</c> <c>unavailable</c>, and the gateway runs on without it.
/// </summary>
public sealed partial class MetricsEndpoint(GatewayMetrics metrics, IOptions<MetricsOptions> options, LoopSupervision supervision, ILogger<MetricsEndpoint> logger) : IHostedService, IDisposable
{
    /// <summary>Its name in the health report's <c>loops</c>.</summary>
    public const string PartName = "metrics";

    private MeterProvider? _provider;

    /// <summary>Where it serves, for the log and for a newcomer.</summary>
    public string Url => $"http://{options.Value.UrlHost}:{options.Value.Port}/metrics";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return Task.CompletedTask;
        }

        try
        {
            _provider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(GatewayMetrics.MeterName)
                // Only this gateway's meter: tests and the fleet bench run several gateways in one process.
                .AddView(instrument => instrument.Meter == metrics.Meter ? null : MetricStreamConfiguration.Drop)
                .AddPrometheusHttpListener(o =>
                {
                    o.Host = options.Value.UrlHost;
                    o.Port = options.Value.Port;
                    o.TargetInfoEnabled = false;
                })
                .Build();
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpListenerException)
        {
            supervision.ReportUnavailable(PartName, $"cannot listen on {Url}: {(ex.InnerException ?? ex).Message}");
            return Task.CompletedTask;
        }

        Listening(logger, Url);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _provider?.Dispose();
        _provider = null;
    }

    [LoggerMessage(5020, LogLevel.Information, "Metrics on {Url} (Prometheus text)")]
    private static partial void Listening(ILogger logger, string url);
}

public static class MetricsServiceCollectionExtensions
{
    /// <summary>The <c>Metrics</c> section (validated on start), the gateway's instruments and their opt-in endpoint.</summary>
    public static IServiceCollection AddMetricsEndpoint(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<MetricsOptions, MetricsOptionsValidator>(configuration.GetSection(MetricsOptions.Section));
        services.AddGatewayMetrics();
        services.AddSingleton<MetricsEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsEndpoint>());
        return services;
    }
}
