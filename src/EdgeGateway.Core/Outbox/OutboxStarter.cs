using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Opens the outbox in StartAsync, before any input or uplink service starts; reports each corruption the store
/// recovered from (a file set aside, journal bytes or documents skipped) as a fault event; and, while the disk
/// refuses, retries. An outbox that cannot be opened (full or
/// read-only disk) does not stop the start: inputs and uplink start anyway, events wait in memory, the storage
/// fault is raised and the open is retried with backoff. Once it opens, seqs continue above the store's last one.
/// </summary>
public sealed class OutboxStarter(GuardedOutboxStore store, EventRecorder recorder, OutboxWriter writer, TimeProvider time) : SupervisedLoop
{
    private OutboxRecovery? _reported;
    private bool _seqsContinued;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        store.Open();
        ContinueSeqsOnceOpen();
        ReportNewRecovery();

        // A failed open raises the fault now, not a retry tick later.
        writer.RetryUnwritten();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(OutboxWriter.RetryDelay, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            store.Retry();
            ContinueSeqsOnceOpen();
            ReportNewRecovery();
            writer.RetryUnwritten();
        }
    }

    // Only the first open: a reopen after a failure may read a lower last seq (a salvaged file), never a higher one.
    private void ContinueSeqsOnceOpen()
    {
        if (!_seqsContinued && store.IsOpen)
        {
            _seqsContinued = true;
            writer.Seqs.ContinueAbove(store.LastSeq);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Stopped last (the first hosted service): nothing gives out seqs any more.
        writer.Seqs.ReleaseUnused();
    }

    private void ReportNewRecovery()
    {
        if (store.Recovery is { } recovery && !ReferenceEquals(recovery, _reported))
        {
            _reported = recovery;
            recorder.RecordFault("outbox", EventState.Active, new Dictionary<string, string>
            {
                ["fault"] = "corrupt-store",
                ["movedTo"] = recovery.MovedTo,
                ["lastSeqBefore"] = recovery.LastSeqBefore.ToString(CultureInfo.InvariantCulture),
                ["reason"] = recovery.Reason,
            });
        }
    }
}
