using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.TestKit;

/// <summary>A call of <see cref="IOutboxStore"/> that <see cref="FaultyOutboxStore"/> can make throw.</summary>
public enum StoreCall
{
    Open,
    Append,
    ReadPending,
    Remove,
    OldestTimestamp,
    SetAside,
}

/// <summary>
/// Wraps a store and throws at a chosen call, as a full, read-only or failing disk would: <see cref="FailNext"/> for
/// the next calls, <see cref="FailUntilHealed"/> until <see cref="Heal"/>. A call that throws does nothing in the
/// store beneath. Counts every call, and the drafts appended, so tests can assert on work done rather than on time.
/// </summary>
public sealed class FaultyOutboxStore(IOutboxStore inner) : IOutboxStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<StoreCall, Queue<Exception>> _next = [];
    private readonly Dictionary<StoreCall, Exception> _always = [];
    private readonly Dictionary<StoreCall, int> _calls = [];
    private long _draftsAppended;

    public IOutboxStore Inner => inner;

    public OutboxDrops Dropped => inner.Dropped;

    public OutboxRecovery? Recovery => inner.Recovery;

    public OutboxDepth Depth => inner.Depth;

    public long LastSeq => inner.LastSeq;

    /// <summary>Drafts passed to <see cref="Append"/> so far, refused ones included.</summary>
    public long DraftsAppended
    {
        get
        {
            lock (_lock)
            {
                return _draftsAppended;
            }
        }
    }

    /// <summary>How often <paramref name="call"/> was made, failed ones included.</summary>
    public int Calls(StoreCall call)
    {
        lock (_lock)
        {
            return _calls.GetValueOrDefault(call);
        }
    }

    /// <summary>The next <paramref name="times"/> calls of <paramref name="call"/> throw <paramref name="error"/>.</summary>
    public void FailNext(StoreCall call, Exception error, int times = 1)
    {
        lock (_lock)
        {
            var queue = _next.TryGetValue(call, out var q) ? q : _next[call] = new Queue<Exception>();
            for (var i = 0; i < times; i++)
            {
                queue.Enqueue(error);
            }
        }
    }

    /// <summary>Every call of <paramref name="call"/> throws <paramref name="error"/> until <see cref="Heal"/>.</summary>
    public void FailUntilHealed(StoreCall call, Exception error)
    {
        lock (_lock)
        {
            _always[call] = error;
        }
    }

    /// <summary>The disk works again: no call throws any more.</summary>
    public void Heal()
    {
        lock (_lock)
        {
            _always.Clear();
            _next.Clear();
        }
    }

    public void Open()
    {
        Enter(StoreCall.Open);
        inner.Open();
    }

    public IReadOnlyList<OutboxEntry> Append(IReadOnlyList<EventDraft> drafts)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        lock (_lock)
        {
            _draftsAppended += drafts.Count;
        }

        Enter(StoreCall.Append);
        return inner.Append(drafts);
    }

    public IReadOnlyList<OutboxEntry> ReadPending(int max)
    {
        Enter(StoreCall.ReadPending);
        return inner.ReadPending(max);
    }

    public IReadOnlyList<OutboxEntry> SetAside(IReadOnlyCollection<OutboxEntry> entries, string reason)
    {
        Enter(StoreCall.SetAside);
        return inner.SetAside(entries, reason);
    }

    public long SetAsideCount => inner.SetAsideCount;

    public IReadOnlyList<SetAsideEntry> ReadSetAside(int max) => inner.ReadSetAside(max);

    public int RestoreSetAside()
    {
        Enter(StoreCall.SetAside);
        return inner.RestoreSetAside();
    }

    public void Remove(IReadOnlyCollection<OutboxEntry> entries)
    {
        Enter(StoreCall.Remove);
        inner.Remove(entries);
    }

    public DateTimeOffset? OldestTimestamp(Lane lane)
    {
        Enter(StoreCall.OldestTimestamp);
        return inner.OldestTimestamp(lane);
    }

    public void Dispose() => inner.Dispose();

    private void Enter(StoreCall call)
    {
        Exception? error = null;
        lock (_lock)
        {
            _calls[call] = _calls.GetValueOrDefault(call) + 1;
            if (_next.TryGetValue(call, out var queue) && queue.TryDequeue(out var next))
            {
                error = next;
            }
            else if (_always.TryGetValue(call, out var always))
            {
                error = always;
            }
        }

        if (error is not null)
        {
            throw error;
        }
    }
}
