using Microsoft.Extensions.Hosting;

namespace EdgeGateway.Outbox;

/// <summary>Opens the outbox in StartAsync, before any input or uplink service starts, so READY means it is usable.</summary>
public sealed class OutboxStarter(IOutboxStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Open();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
