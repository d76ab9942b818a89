using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Health</c> and <c>Board</c> sections (validated on start), the <see cref="LivenessRegistry"/>, the latest
    /// <see cref="BoardHealth"/>, the <see cref="HealthSnapshotBuilder"/> and the <see cref="BoardHealthMonitor"/> hosted
    /// service that reports under-voltage as a fault, and the <see cref="InputProofs"/> (alarm inputs last proven). The <see cref="IBoardProbe"/> comes from the hardware adapter.
    /// </summary>
    public static IServiceCollection AddHealth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<HealthOptions, HealthOptionsValidator>(configuration.GetSection(HealthOptions.Section));
        services.AddValidatedOptions<BoardHealthOptions, BoardHealthOptionsValidator>(configuration.GetSection(BoardHealthOptions.Section));
        services.TryAddSingleton<LivenessRegistry>();
        services.AddSingleton<BoardHealth>();
        services.AddSingleton<HealthSnapshotBuilder>();
        services.AddSingleton<InputProofs>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<InputProofs>());
        services.AddSingleton<IHostedService, BoardHealthMonitor>();
        services.AddLoopSupervision();
        return services;
    }

    /// <summary>
    /// The <see cref="LoopSupervision"/> every <see cref="SupervisedLoop"/> among the hosted services reports to
    /// (attached before any of them starts), for health and the systemd watchdog.
    /// </summary>
    public static IServiceCollection AddLoopSupervision(this IServiceCollection services)
    {
        services.TryAddSingleton<LoopSupervision>(sp => new LoopSupervision(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LoopSupervision>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LoopSupervisionStarter>());
        return services;
    }
}
