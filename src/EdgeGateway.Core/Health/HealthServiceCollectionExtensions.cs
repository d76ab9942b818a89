using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace EdgeGateway.Core.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Health</c> and <c>Board</c> sections (validated on start), the <see cref="LivenessRegistry"/>, the latest
    /// <see cref="BoardHealth"/>, the <see cref="HealthSnapshotBuilder"/> and the <see cref="BoardHealthMonitor"/> hosted
    /// service that reports under-voltage as a fault. The <see cref="IBoardProbe"/> comes from the hardware adapter.
    /// </summary>
    public static IServiceCollection AddHealth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<HealthOptions, HealthOptionsValidator>(configuration.GetSection(HealthOptions.Section));
        services.AddValidatedOptions<BoardHealthOptions, BoardHealthOptionsValidator>(configuration.GetSection(BoardHealthOptions.Section));
        services.TryAddSingleton<LivenessRegistry>();
        services.AddSingleton<BoardHealth>();
        services.AddSingleton<HealthSnapshotBuilder>();
        services.AddSingleton<IHostedService, BoardHealthMonitor>();
        return services;
    }
}
