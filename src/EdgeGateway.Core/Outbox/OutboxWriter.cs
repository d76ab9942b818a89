using System.Globalization;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Gets recorded drafts into the outbox. Normally an event is accepted only once it is on disk. If the disk refuses
/// (full, I/O error), the events are kept in memory with the seq they will have (<see cref="UnwrittenEntries"/>, sent
/// from there while the path is up), a storage fault is reported, and the write is retried
/// (<see cref="RetryUnwritten"/>) until it succeeds: the gateway keeps running and no alarm is dropped.
/// </summary>
public sealed class OutboxWriter(
    IOutboxStore store,
    UnwrittenEntries unwritten,
    OutboxSignal signal,
    GatewayIdentity identity,
    IClockSync clock,
    TimeProvider time,
    ILogger<OutboxWriter> logger)
{
    /// <summary>How often a refused write is retried.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();

    // Drafts the disk refused, in order, the storage fault first among them; written before any newer draft.
    private readonly List<EventDraft> _unwrittenDrafts = [];
    private DateTimeOffset? _storageFaultSince;

    /// <summary>True while events are waiting in memory for the disk.</summary>
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
    /// refuses) in memory with the seq they will have once written.
    /// </summary>
    public IReadOnlyList<OutboxEntry> Write(IReadOnlyList<EventDraft> drafts)
    {
        lock (_lock)
        {
            var first = _unwrittenDrafts.Count;
            _unwrittenDrafts.AddRange(drafts);
            return [.. WriteLocked().Skip(first).Take(drafts.Count)];
        }
    }

    /// <summary>Tries again to write what the disk refused. Returns true when nothing is left in memory.</summary>
    public bool RetryUnwritten()
    {
        lock (_lock)
        {
            if (_unwrittenDrafts.Count > 0)
            {
                WriteLocked();
            }

            return _unwrittenDrafts.Count == 0;
        }
    }

    private IReadOnlyList<OutboxEntry> WriteLocked()
    {
        IReadOnlyList<OutboxEntry> entries;
        try
        {
            entries = store.Append(_unwrittenDrafts);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            entries = KeepInMemoryLocked(ex);
            signal.Notify();
            return entries;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            Log.EventAccepted(logger, entries[i].Seq, _unwrittenDrafts[i].Input, _unwrittenDrafts[i].Kind, _unwrittenDrafts[i].State, entries[i].EventId);
        }

        _unwrittenDrafts.Clear();
        var alreadySent = unwritten.Written(entries);
        if (alreadySent.Count > 0)
        {
            store.Remove(alreadySent);
        }

        if (_storageFaultSince is { } since)
        {
            _storageFaultSince = null;
            var now = time.GetUtcNow();
            Log.StorageRecovered(logger, (long)(now - since).TotalSeconds);
            _unwrittenDrafts.Add(EventDraft.Fault(EventDraft.NewId(now), "outbox", EventState.Restored, now, clock.IsSynchronized, new Dictionary<string, string>
            {
                ["fault"] = "storage",
                ["since"] = EventPayload.FormatTimestamp(since),
                ["durationSeconds"] = ((long)(now - since).TotalSeconds).ToString(CultureInfo.InvariantCulture),
            }));
            entries = [.. entries, .. WriteLocked()];
        }

        signal.Notify();
        return entries;
    }

    private IReadOnlyList<OutboxEntry> KeepInMemoryLocked(Exception error)
    {
        if (_storageFaultSince is null)
        {
            var now = time.GetUtcNow();
            _storageFaultSince = now;
            Log.StorageFault(logger, _unwrittenDrafts.Count, error);
            _unwrittenDrafts.Add(EventDraft.Fault(EventDraft.NewId(now), "outbox", EventState.Active, now, clock.IsSynchronized, new Dictionary<string, string>
            {
                ["fault"] = "storage",
                ["error"] = error.Message,
            }));
        }

        // The seqs they will get: the store gives out seqs in order and a failed append consumes none.
        var next = store.LastSeq + 1;
        var entries = _unwrittenDrafts.Select((draft, i) => OutboxEntry.Create(draft, next + i, identity)).ToList();
        unwritten.Replace(entries);
        return entries;
    }
}
