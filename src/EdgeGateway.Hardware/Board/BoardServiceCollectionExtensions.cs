using EdgeGateway.Core.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace EdgeGateway.Hardware.Board;

public static class BoardServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="BoardCheck"/> (board model, reserved-pin warnings at start) and the sysfs
    /// <see cref="IBoardProbe"/>. Core's <c>AddHealth</c> registers the <c>Board</c> section, <see cref="BoardHealth"/>
    /// and the <see cref="BoardHealthMonitor"/> that reads the probe; it needs the <c>Inputs</c> options.
    /// </summary>
    public static IServiceCollection AddBoard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IHostedService, BoardCheck>();
        services.TryAddSingleton<IBoardProbe, SysfsBoardProbe>();
        return services;
    }
}
