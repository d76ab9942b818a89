using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Turns input transitions and gateway faults into events and gets them into the outbox. Normally an event is
/// accepted only once it is on disk. If the disk refuses (full, I/O error), the events are kept in memory with
/// the seq they will have, sent from there while the path is up, a storage fault is reported, and the write is
/// retried (<see cref="RetryUnwritten"/>) until it succeeds: the gateway keeps running and no alarm is dropped.
/// </summary>
public sealed class EventRecorder(
    IOutboxStore store,
    UnwrittenEntries unwritten,
    OutboxSignal signal,
    GatewayIdentity identity,
    IClockSync clock,
    TimeProvider time,
    ILogger<EventRecorder> logger)
{
    /// <summary>How often a refused write is retried.</summary>
    public static readonly TimeSpan WriteRetryDelay = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly List<EventDraft> _unwrittenDrafts = [];
    private DateTimeOffset? _storageFaultSince;

    public GatewayIdentity Identity => identity;

    private volatile bool _testMode;

    /// <summary>Raised (outside the recorder's lock) with the entries of every recorded batch, on disk or in memory.</summary>
    public event Action<IReadOnlyList<OutboxEntry>>? Accepted;

    /// <summary>
    /// Test mode: every input and sensor event is marked <c>"test": true</c>. Set by <c>edge-gateway walk-test</c>
    /// and by the center's <c>test-mode</c> command (which always ends by itself after a timeout), never from
    /// configuration, so a running service cannot be left in it by a file.
    /// </summary>
    public bool TestMode
    {
        get => _testMode;
        set => _testMode = value;
    }

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

    /// <summary>Records the transitions as one batch (one flush).</summary>
    public IReadOnlyList<OutboxEntry> Record(IReadOnlyList<(InputChannel Channel, EventState State)> transitions) =>
        Record([.. transitions.Select(t => t.Channel.EventOf(t.State))]);

    /// <summary>Stamps events (input transitions, supervision faults, sensor alarms, telemetry) and records them as one batch.</summary>
    public IReadOnlyList<OutboxEntry> Record(IReadOnlyList<NewEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var now = time.GetUtcNow();
        var synced = clock.IsSynchronized;
        return Record([.. events.Select(e => new EventDraft(NewId(now), e.Source, e.Kind, e.State, now, synced, e.Location, TestMode)
        {
            Detail = e.Detail,
            Telemetry = e.Telemetry,
        })]);
    }

    /// <summary>Records a fault of the gateway itself (<c>uplink</c>, <c>outbox</c>, …) on the alarm lane.</summary>
    public IReadOnlyList<OutboxEntry> RecordFault(string source, EventState state, IReadOnlyDictionary<string, string> detail)
    {
        var now = time.GetUtcNow();
        return Record([EventDraft.Fault(NewId(now), source, state, now, clock.IsSynchronized, detail)]);
    }

    /// <summary>
    /// Records drafts in order. Returns their entries: on disk, or (while the disk refuses) in memory with the
    /// seq they will have once written.
    /// </summary>
    public IReadOnlyList<OutboxEntry> Record(IReadOnlyList<EventDraft> drafts)
    {
        IReadOnlyList<OutboxEntry> recorded;
        lock (_lock)
        {
            var first = _unwrittenDrafts.Count;
            _unwrittenDrafts.AddRange(drafts);
            recorded = [.. WriteLocked().Skip(first).Take(drafts.Count)];
        }

        Accepted?.Invoke(recorded);
        return recorded;
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
            _unwrittenDrafts.Add(EventDraft.Fault(NewId(now), "outbox", EventState.Restored, now, clock.IsSynchronized, new Dictionary<string, string>
            {
                ["fault"] = "storage",
                ["since"] = EventPayload.FormatTimestamp(since),
                ["durationSeconds"] = ((long)(now - since).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
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
            _unwrittenDrafts.Add(EventDraft.Fault(NewId(now), "outbox", EventState.Active, now, clock.IsSynchronized, new Dictionary<string, string>
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

    private static string NewId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString();
}
