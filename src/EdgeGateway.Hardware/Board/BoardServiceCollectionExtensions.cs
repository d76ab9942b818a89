using EdgeGateway.Core.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Hardware.Board;

public static class BoardServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="BoardCheck"/> (board model, reserved-pin warnings at start), <see cref="BoardHealth"/>
    /// (the latest reading, for health reporting), the sysfs probe and the <see cref="BoardHealthMonitor"/> that
    /// reports under-voltage as a fault. Needs the gateway's EventRecorder and <c>Inputs</c> options.
    /// </summary>
    public static IServiceCollection AddBoard(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BoardHealthOptions>().Bind(configuration.GetSection(BoardHealthOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BoardHealthOptions>, BoardHealthOptionsValidator>());
        services.AddSingleton<IHostedService, BoardCheck>();
        services.TryAddSingleton<IBoardProbe, SysfsBoardProbe>();
        services.TryAddSingleton<BoardHealth>();
        services.AddSingleton<IHostedService, BoardHealthMonitor>();
        return services;
    }
}
