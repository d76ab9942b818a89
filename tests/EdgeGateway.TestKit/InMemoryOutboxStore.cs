using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.TestKit;

/// <summary>
/// A thread-safe in-memory <see cref="IOutboxStore"/> with the same semantics as the LiteDB store (it runs the
/// same contract tests), for tests that need an outbox but not a disk. Unlike the real store it works without
/// <see cref="Open"/>, so tests that do not start a host need not call it.
/// </summary>
public sealed class InMemoryOutboxStore(GatewayIdentity identity, OutboxOptions? limits = null) : IOutboxStore
{
    private readonly OutboxOptions _limits = limits ?? new OutboxOptions();
    private readonly Dictionary<long, DateTimeOffset> _acceptedAt = [];
    private long _droppedEvents;
    private long _droppedTelemetry;

    private readonly Lock _lock = new();

    // Indexed by (int)Lane; SortedDictionary keeps seq order within a lane.
    private readonly SortedDictionary<long, OutboxEntry>[] _lanes = [new(), new(), new()];
    private long _lastSeq;
    private bool _disposed;

    /// <summary>How many times <see cref="Open"/> was called.</summary>
    public int OpenCount { get; private set; }

    /// <summary>When set, <see cref="Append"/> throws this and stores nothing (simulates a full or failing disk).</summary>
    public Exception? AppendFault { get; set; }

    public bool IsDisposed
    {
        get
        {
            lock (_lock)
            {
                return _disposed;
            }
        }
    }

    public OutboxDepth Depth
    {
        get
        {
            lock (_lock)
            {
                return new OutboxDepth(_lanes[0].Count, _lanes[1].Count, _lanes[2].Count);
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

    public void Open()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            OpenCount++;
        }
    }

    public IReadOnlyList<OutboxEntry> Append(IReadOnlyList<EventDraft> drafts)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (AppendFault is { } fault)
            {
                throw fault;
            }

            var entries = new List<OutboxEntry>(drafts.Count);
            foreach (var draft in drafts)
            {
                var entry = OutboxEntry.Create(draft, _lastSeq + 1, identity);
                _lastSeq++;
                _lanes[(int)entry.Lane].Add(entry.Seq, entry);
                _acceptedAt[entry.Seq] = draft.Timestamp;
                entries.Add(entry);
            }

            if (drafts.Count > 0)
            {
                EnforceLimits(drafts.Max(d => d.Timestamp));
            }

            return entries;
        }
    }

    public IReadOnlyList<OutboxEntry> ReadPending(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
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

    private void EnforceLimits(DateTimeOffset now)
    {
        var depth = new OutboxDepth(_lanes[(int)Lane.Alarm].Count, _lanes[(int)Lane.Event].Count, _lanes[(int)Lane.Telemetry].Count);
        var chosen = OutboxDropPolicy.Choose(_limits, depth, now, lane => _lanes[(int)lane].Keys, seq => _acceptedAt[seq].ToUnixTimeMilliseconds());
        foreach (var (lane, seq) in chosen)
        {
            Drop(lane, seq);
        }
    }

    private void Drop(Lane lane, long seq)
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

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }
    }
}
