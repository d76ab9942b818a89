using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Hosting;

namespace EdgeGateway.Core.Downlink;

/// <summary>Feeds every batch the <see cref="EventRecorder"/> accepts to <see cref="CenterAcknowledgements"/> while the gateway runs.</summary>
public sealed class AckTracking(EventRecorder recorder, CenterAcknowledgements acknowledgements) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recorder.Accepted += acknowledgements.Accepted;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        recorder.Accepted -= acknowledgements.Accepted;
        return Task.CompletedTask;
    }
}
