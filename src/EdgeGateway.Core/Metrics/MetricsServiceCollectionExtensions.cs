using Microsoft.Extensions.DependencyInjection;

namespace EdgeGateway.Core.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>The gateway's <see cref="GatewayMetrics"/> instruments; an exporter (the host's) reads them. Needs the outbox, acks, health and an uplink path.</summary>
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services) => services.AddSingleton<GatewayMetrics>();
}
