using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Events accepted while the outbox could not write (disk full, I/O error): kept in memory with their seq, so the forwarder can still send them (alarms first) while the write is retried. Adding,
/// marking sent and taking written ones out are O(1) per entry, however many are held.
/// </summary>
public sealed class UnwrittenEntries
{
    /// <summary>Most entries <see cref="Pending"/> returns at once; the forwarder asks again when it has sent them.</summary>
    public const int MaxPendingPerRead = 1024;

    private readonly Lock _lock = new();

    // Not yet sent, per lane (indexed by (int)Lane) in seq order; and every held entry's node (null once sent).
    private readonly LinkedList<OutboxEntry>[] _unsent = [new(), new(), new()];
    private readonly Dictionary<string, LinkedListNode<OutboxEntry>?> _held = new(StringComparer.Ordinal);
    private long _refusedEvents;
    private long _refusedTelemetry;

    /// <summary>Entries to send before the store's own, in lane then seq order (at most <see cref="MaxPendingPerRead"/>).</summary>
    public IReadOnlyList<OutboxEntry> Pending
    {
        get
        {
            lock (_lock)
            {
                var pending = new List<OutboxEntry>();
                foreach (var lane in _unsent)
                {
                    pending.AddRange(lane.Take(MaxPendingPerRead - pending.Count));
                }

                return pending;
            }
        }
    }

    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _held.Count == 0;
            }
        }
    }

    /// <summary>Entries held, sent or not.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Events and telemetry refused because memory was full (alarms never are).</summary>
    public OutboxDrops Refused
    {
        get
        {
            lock (_lock)
            {
                return new OutboxDrops(_refusedEvents, _refusedTelemetry);
            }
        }
    }

    /// <summary>Holds an entry (appended after every held one of its lane: seqs are given out in order).</summary>
    public void Add(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            _held[entry.EventId] = _unsent[(int)entry.Lane].AddLast(entry);
        }
    }

    /// <summary>Counts an event or telemetry sample that was not held because memory was full.</summary>
    public void CountRefused(Lane lane)
    {
        lock (_lock)
        {
            if (lane == Lane.Telemetry)
            {
                _refusedTelemetry++;
            }
            else
            {
                _refusedEvents++;
            }
        }
    }

    /// <summary>The broker acknowledged an entry sent from memory.</summary>
    public void Sent(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_held.TryGetValue(entry.EventId, out var node) && node is not null)
            {
                _unsent[(int)entry.Lane].Remove(node);
                _held[entry.EventId] = null;
            }
        }
    }

    /// <summary>The entries reached the store; returns those the broker already has (to remove at once).</summary>
    public IReadOnlyList<OutboxEntry> Written(IReadOnlyList<OutboxEntry> written)
    {
        ArgumentNullException.ThrowIfNull(written);
        lock (_lock)
        {
            var alreadySent = new List<OutboxEntry>();
            foreach (var entry in written)
            {
                if (!_held.Remove(entry.EventId, out var node))
                {
                    continue;
                }

                if (node is not null)
                {
                    _unsent[(int)entry.Lane].Remove(node);
                }
                else
                {
                    alreadySent.Add(entry);
                }
            }

            return alreadySent;
        }
    }
}
