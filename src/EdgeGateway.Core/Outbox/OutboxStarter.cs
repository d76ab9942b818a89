using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Opens the outbox in StartAsync, before any input or uplink service starts, so READY means it is usable; reports
/// a store found corrupt (and set aside) as a fault event; and, while the disk refuses writes, retries them.
/// </summary>
public sealed class OutboxStarter(IOutboxStore store, EventRecorder recorder, OutboxWriter writer, TimeProvider time) : SupervisedLoop
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        store.Open();
        if (store.Recovery is { } recovery)
        {
            recorder.RecordFault("outbox", EventState.Active, new Dictionary<string, string>
            {
                ["fault"] = "corrupt-store",
                ["movedTo"] = recovery.MovedTo,
                ["lastSeqBefore"] = recovery.LastSeqBefore.ToString(CultureInfo.InvariantCulture),
                ["reason"] = recovery.Reason,
            });
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(OutboxWriter.RetryDelay, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            writer.RetryUnwritten();
        }
    }
}
