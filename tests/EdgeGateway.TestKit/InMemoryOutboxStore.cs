using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.TestKit;

/// <summary>
/// A thread-safe in-memory <see cref="IOutboxStore"/> with the same semantics as the LiteDB store (it runs the
/// same contract tests), for tests that need an outbox but not a disk. Unlike the real store it works without
/// <see cref="Open"/>, so tests that do not start a host need not call it. It records every accepted draft and can
/// be told to refuse appends (<see cref="FailNextAppend"/>), as a full or failing disk would.
/// </summary>
public sealed class InMemoryOutboxStore(GatewayIdentity identity, OutboxOptions? limits = null) : IOutboxStore
{
    private readonly OutboxOptions _limits = limits ?? new OutboxOptions();
    private readonly Lock _lock = new();

    // Indexed by (int)Lane; SortedDictionary keeps seq order within a lane.
    private readonly SortedDictionary<long, OutboxEntry>[] _lanes = [new(), new(), new()];
    private readonly Dictionary<long, DateTimeOffset> _acceptedAt = [];
    private readonly SortedDictionary<long, SetAsideEntry> _setAside = [];
    private readonly List<EventDraft> _accepted = [];
    private readonly Queue<Exception> _failures = new();
    private long _droppedEvents;
    private long _droppedTelemetry;
    private long _lastSeq;
    private long _reservedSeq;
    private int _pendingReads;
    private ManualResetEventSlim? _readsReleased;
    private bool _disposed;

    /// <summary>Raised after a successful append with its entries, outside the store's lock.</summary>
    public event Action<IReadOnlyList<OutboxEntry>>? Appended;

    /// <summary>Raised when <see cref="FailNextAppend"/> refuses an append, just before it throws, outside the store's lock.</summary>
    public event Action<Exception>? AppendRefused;

    /// <summary>Every draft accepted so far, in order (dropped and removed ones too).</summary>
    public IReadOnlyList<EventDraft> Accepted
    {
        get
        {
            lock (_lock)
            {
                return [.. _accepted];
            }
        }
    }

    public OutboxDepth Depth
    {
        get
        {
            lock (_lock)
            {
                return DepthLocked();
            }
        }
    }

    public long LastSeq
    {
        get
        {
            lock (_lock)
            {
                return _lastSeq;
            }
        }
    }

    public OutboxDrops Dropped
    {
        get
        {
            lock (_lock)
            {
                return new OutboxDrops(_droppedEvents, _droppedTelemetry);
            }
        }
    }

    public OutboxRecovery? Recovery => null;

    public long SetAsideCount
    {
        get
        {
            lock (_lock)
            {
                return _setAside.Count;
            }
        }
    }

    /// <summary>
    /// The next append throws <paramref name="exception"/> and stores nothing, as the LiteDB store does when the disk
    /// refuses. Queued: call it again to refuse the appends after that one too.
    /// </summary>
    public void FailNextAppend(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        lock (_lock)
        {
            _failures.Enqueue(exception);
        }
    }

    public void Open()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
    }

    /// <summary>
    /// Forgets every entry above <paramref name="seq"/> and falls back to it as the last seq, as a reopen of a salvaged
    /// or truncated file does.
    /// </summary>
    public void LoseAbove(long seq)
    {
        lock (_lock)
        {
            foreach (var lane in _lanes)
            {
                foreach (var lost in lane.Keys.Where(s => s > seq).ToList())
                {
                    lane.Remove(lost);
                    _acceptedAt.Remove(lost);
                }
            }

            _lastSeq = Math.Min(_lastSeq, seq);
        }
    }

    /// <summary>Kept across a dispose, as a file would be: a test's restart is a new writer over the same store.</summary>
    public void ReserveSeq(long seq)
    {
        lock (_lock)
        {
            _reservedSeq = seq;
        }
    }

    public long ReservedSeq
    {
        get
        {
            lock (_lock)
            {
                return _reservedSeq;
            }
        }
    }

    public IReadOnlyList<OutboxEntry> Append(IReadOnlyList<NumberedDraft> drafts, Action<IReadOnlyList<OutboxEntry>>? durable = null)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        List<OutboxEntry> entries = [];
        Exception? failure;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_failures.TryDequeue(out failure))
            {
                entries = AppendLocked(drafts);
            }
        }

        if (failure is not null)
        {
            AppendRefused?.Invoke(failure);
            throw failure;
        }

        Appended?.Invoke(entries);
        return entries.HandOn(durable);
    }

    /// <summary>How many times <see cref="ReadPending"/> was called (the forwarder's reads of the store).</summary>
    public int PendingReads => Volatile.Read(ref _pendingReads);

    /// <summary>Set once a read waits for <see cref="ReleaseReads"/>.</summary>
    public ManualResetEventSlim ReadHeld { get; } = new(false);

    /// <summary>Reads of pending entries wait (outside the store's lock, at most 30 s) until <see cref="ReleaseReads"/>: a slow card.</summary>
    public void HoldReads()
    {
        ReadHeld.Reset();
        Volatile.Write(ref _readsReleased, new ManualResetEventSlim(false));
    }

    public void ReleaseReads() => Volatile.Read(ref _readsReleased)?.Set();

    public IReadOnlyList<OutboxEntry> ReadPending(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (Volatile.Read(ref _readsReleased) is { IsSet: false } released)
        {
            ReadHeld.Set();
            released.Wait(TimeSpan.FromSeconds(30));
        }

        Interlocked.Increment(ref _pendingReads);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _lanes.SelectMany(lane => lane.Values).Take(max).ToList();
        }
    }

    public DateTimeOffset? OldestTimestamp(Lane lane)
    {
        if (!Enum.IsDefined(lane))
        {
            throw new ArgumentOutOfRangeException(nameof(lane), lane, "Not an outbox lane.");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _lanes[(int)lane].Count == 0 ? null : _acceptedAt[_lanes[(int)lane].Keys.First()];
        }
    }

    public void Remove(IReadOnlyCollection<OutboxEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var entry in entries)
            {
                if (Enum.IsDefined(entry.Lane)
                    && _lanes[(int)entry.Lane].TryGetValue(entry.Seq, out var stored)
                    && stored.EventId == entry.EventId)
                {
                    _lanes[(int)entry.Lane].Remove(entry.Seq);
                    _acceptedAt.Remove(entry.Seq);
                }
            }
        }
    }

    public IReadOnlyList<OutboxEntry> SetAside(IReadOnlyCollection<OutboxEntry> entries, string reason)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(reason);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var setAside = new List<OutboxEntry>();
            foreach (var entry in entries)
            {
                if (Enum.IsDefined(entry.Lane)
                    && _lanes[(int)entry.Lane].TryGetValue(entry.Seq, out var stored)
                    && stored.EventId == entry.EventId)
                {
                    // The acceptance time stays: a restored entry is as old as it was.
                    _lanes[(int)entry.Lane].Remove(entry.Seq);
                    _setAside[entry.Seq] = new SetAsideEntry(stored, reason);
                    setAside.Add(stored);
                }
            }

            return setAside;
        }
    }

    public IReadOnlyList<SetAsideEntry> ReadSetAside(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return [.. _setAside.Values.Take(max)];
        }
    }

    public int RestoreSetAside()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var (seq, setAside) in _setAside)
            {
                _lanes[(int)setAside.Entry.Lane].Add(seq, setAside.Entry);
            }

            var restored = _setAside.Count;
            _setAside.Clear();
            return restored;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }
    }

    private List<OutboxEntry> AppendLocked(IReadOnlyList<NumberedDraft> drafts)
    {
        var entries = new List<OutboxEntry>(drafts.Count);
        var added = false;
        foreach (var (seq, draft) in drafts)
        {
            var entry = OutboxEntry.Create(draft, seq, identity);
            entries.Add(entry);
            if (_lanes[(int)entry.Lane].TryGetValue(seq, out var stored) && stored.EventId == entry.EventId)
            {
                // Stored already by an append that landed after its caller gave up.
                continue;
            }

            // Add throws on a seq held by another event: a seq given out twice is a bug, not a state to store.
            _lanes[(int)entry.Lane].Add(seq, entry);
            _acceptedAt[seq] = draft.Timestamp;
            _lastSeq = Math.Max(_lastSeq, seq);
            _accepted.Add(draft);
            added = true;
        }

        if (added)
        {
            DropOverLimits(drafts.Max(d => d.Draft.Timestamp));
        }

        return entries;
    }

    private void DropOverLimits(DateTimeOffset now)
    {
        var chosen = OutboxDropPolicy.Choose(_limits, DepthLocked(), now, lane => _lanes[(int)lane].Keys, seq => _acceptedAt[seq].ToUnixTimeMilliseconds());
        foreach (var (lane, seq) in chosen)
        {
            _lanes[(int)lane].Remove(seq);
            _acceptedAt.Remove(seq);
            if (lane == Lane.Telemetry)
            {
                _droppedTelemetry++;
            }
            else
            {
                _droppedEvents++;
            }
        }
    }

    private OutboxDepth DepthLocked() => new(_lanes[(int)Lane.Alarm].Count, _lanes[(int)Lane.Event].Count, _lanes[(int)Lane.Telemetry].Count);
}
