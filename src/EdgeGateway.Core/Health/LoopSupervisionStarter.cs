using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeGateway.Core.Health;

/// <summary>
/// Hands the host's <see cref="LoopSupervision"/> to every <see cref="SupervisedLoop"/> among the hosted services.
/// <see cref="StartingAsync"/> runs before any hosted service's StartAsync, so no loop has begun yet.
/// </summary>
internal sealed class LoopSupervisionStarter(IServiceProvider services, LoopSupervision supervision) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // The same singleton instances the host is about to start.
        foreach (var loop in services.GetServices<IHostedService>().OfType<SupervisedLoop>())
        {
            loop.Supervision = supervision;
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
