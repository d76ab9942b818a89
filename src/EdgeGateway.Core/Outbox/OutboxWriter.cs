using System.Globalization;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Gets recorded drafts into the outbox, each with the seq its <see cref="Seqs"/> gives it (the store only keeps it).
/// Normally an event is accepted only once it is on disk. If the disk refuses
/// (full, I/O error, not open), the events are kept in memory with that seq (<see cref="UnwrittenEntries"/>,
/// sent from there while the path is up), a storage fault is reported, and the write is retried in batches
/// (<see cref="RetryUnwritten"/>) until it succeeds: the gateway keeps running and no alarm is dropped.
/// </summary>
/// <remarks>
/// Accepting a draft while others wait in memory costs the same however many wait: it is queued behind them
/// (O(1)), and the disk is tried in line only while at most <see cref="WriteBatch"/> wait; beyond that only the
/// retry writes, one batch per lock hold. Memory is bounded by <see cref="OutboxOptions.MaxUnwrittenEntries"/>: new
/// telemetry is refused first, then new events; alarms and faults never. The newest are refused rather than the
/// oldest dropped, because held entries may already be published.
/// </remarks>
public sealed class OutboxWriter(
    IOutboxStore store,
    UnwrittenEntries unwritten,
    OutboxSignal signal,
    GatewayIdentity identity,
    IClockSync clock,
    TimeProvider time,
    ILogger<OutboxWriter> logger,
    IOptions<OutboxOptions>? options = null,
    StorageHealth? health = null)
{
    /// <summary>How often a refused write is retried.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Most drafts written to the store in one append while catching up, so a press never waits for more.</summary>
    public const int WriteBatch = 64;

    private readonly Lock _lock = new();
    private readonly StorageHealth _health = health ?? new StorageHealth();
    private readonly int _maxUnwritten = (options?.Value ?? new OutboxOptions()).MaxUnwrittenEntries;

    // Drafts the disk refused, in seq order, the storage fault first among them; written before any newer draft.
    private readonly Queue<NumberedDraft> _queue = new();
    private DateTimeOffset? _storageFaultSince;

    /// <summary>Gives out the seqs: the writer's own, so a store that fails or reopens cannot give one out twice.</summary>
    public SeqAllocator Seqs { get; } = new(store, logger);

    /// <summary>True while the storage fault is raised (events may wait in memory for the disk).</summary>
    public bool IsStorageFaulted
    {
        get
        {
            lock (_lock)
            {
                return _storageFaultSince is not null;
            }
        }
    }

    /// <summary>
    /// Writes drafts in order, after any still waiting in memory. Returns their entries: on disk, or (while the disk
    /// refuses) in memory with the same seq. Telemetry and events refused because memory is full have no entry.
    /// </summary>
    public IReadOnlyList<OutboxEntry> Write(IReadOnlyList<EventDraft> drafts)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        lock (_lock)
        {
            ReportHealthFailureLocked();
            var numbered = Seqs.Number(drafts);
            if (_queue.Count == 0)
            {
                try
                {
                    // The forwarder gets the alarms from the thread that wrote them, the moment they are on disk: the
                    // wake-up of this thread and the log lines are not on the alarm's path.
                    var entries = store.Append(numbered, signal.Notify);
                    Accepted(numbered, entries);
                    RestoreIfRecoveredLocked();
                    return entries;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // With the seqs this append had: if it landed after its deadline, the retry finds it stored.
                    var held = HoldLocked(numbered);
                    RaiseFaultLocked(ex);
                    signal.Notify();
                    return held;
                }
            }

            var queued = HoldLocked(numbered);
            if (_queue.Count <= WriteBatch)
            {
                WriteBatchLocked();
            }

            signal.Notify();
            return queued;
        }
    }

    /// <summary>Tries again to write what the disk refused, a batch per lock hold. Returns true when nothing is left in memory.</summary>
    public bool RetryUnwritten()
    {
        while (true)
        {
            lock (_lock)
            {
                ReportHealthFailureLocked();
                if (_queue.Count == 0)
                {
                    RestoreIfRecoveredLocked();
                    return _queue.Count == 0;
                }

                if (!WriteBatchLocked())
                {
                    return false;
                }
            }
        }
    }

    /// <summary>Writes the oldest batch of held drafts. False if the disk refused.</summary>
    private bool WriteBatchLocked()
    {
        var batch = _queue.Take(WriteBatch).ToList();
        IReadOnlyList<OutboxEntry> entries;
        try
        {
            entries = store.Append(batch);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RaiseFaultLocked(ex);
            return false;
        }

        foreach (var _ in batch)
        {
            _queue.Dequeue();
        }

        Accepted(batch, entries);
        var alreadySent = unwritten.Written(entries);
        if (alreadySent.Count > 0)
        {
            store.Remove(alreadySent);
        }

        if (_queue.Count == 0)
        {
            RestoreIfRecoveredLocked();
        }

        signal.Notify();
        return true;
    }

    private void Accepted(IReadOnlyList<NumberedDraft> drafts, IReadOnlyList<OutboxEntry> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var draft = drafts[i].Draft;
            Log.EventAccepted(logger, entries[i].Seq, draft.Input, draft.Kind, draft.State, entries[i].EventId);
        }
    }

    /// <summary>
    /// Queues drafts behind the held ones, with their seqs; refuses what memory has no room for (its seqs are skipped,
    /// never given out again: a stalled append may still store them).
    /// </summary>
    private List<OutboxEntry> HoldLocked(IReadOnlyList<NumberedDraft> drafts)
    {
        var held = new List<OutboxEntry>(drafts.Count);
        foreach (var numbered in drafts)
        {
            if (IsRefusedLocked(numbered.Draft.Lane))
            {
                unwritten.CountRefused(numbered.Draft.Lane);
                continue;
            }

            var entry = OutboxEntry.Create(numbered.Draft, numbered.Seq, identity);
            _queue.Enqueue(numbered);
            unwritten.Add(entry);
            held.Add(entry);
        }

        if (held.Count < drafts.Count)
        {
            Log.UnwrittenFull(logger, drafts.Count - held.Count, _queue.Count);
        }

        if (held.Count > 0)
        {
            // They may reach the center from memory: a kill must not let a restart give their seqs out again.
            Seqs.CoverHeld(held[^1].Seq);
        }

        return held;
    }

    // Telemetry gives way at 80 % so the last fifth stays for events; alarms (faults included) are always held.
    private bool IsRefusedLocked(Lane lane) => lane switch
    {
        Lane.Telemetry => _queue.Count >= _maxUnwritten * 4L / 5,
        Lane.Event => _queue.Count >= _maxUnwritten,
        _ => false,
    };

    /// <summary>A store call the guard saw fail (open, read, remove) raises the fault too, even if no append failed.</summary>
    private void ReportHealthFailureLocked()
    {
        if (_health.TakeUnreported() is { } error && _storageFaultSince is null)
        {
            RaiseFaultLocked(error);
        }
    }

    private void RaiseFaultLocked(Exception error)
    {
        // The guard also reported this failure; it is the one this fault is about.
        _health.TakeUnreported();
        if (_storageFaultSince is not null)
        {
            return;
        }

        var now = time.GetUtcNow();
        _storageFaultSince = now;
        Log.StorageFault(logger, _queue.Count, error);
        HoldLocked(Seqs.Number([EventDraft.Fault(EventDraft.NewId(now), "outbox", EventState.Active, now, clock.IsSynchronized, new Dictionary<string, string>
        {
            ["fault"] = "storage",
            ["reason"] = error is OutboxStalledException ? "stalled" : "failed",
            ["error"] = error.Message,
        })]));
    }

    /// <summary>Once nothing waits in memory and the guard has nothing to retry, the fault is restored (on disk if it can be).</summary>
    private void RestoreIfRecoveredLocked()
    {
        if (_storageFaultSince is not { } since || _queue.Count > 0 || _health.IsFailing)
        {
            return;
        }

        _storageFaultSince = null;
        var now = time.GetUtcNow();
        Log.StorageRecovered(logger, (long)(now - since).TotalSeconds);
        HoldLocked(Seqs.Number([EventDraft.Fault(EventDraft.NewId(now), "outbox", EventState.Restored, now, clock.IsSynchronized, new Dictionary<string, string>
        {
            ["fault"] = "storage",
            ["since"] = EventPayload.FormatTimestamp(since),
            ["durationSeconds"] = ((long)(now - since).TotalSeconds).ToString(CultureInfo.InvariantCulture),
        })]));
        WriteBatchLocked();
    }
}
