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
    ReserveSeq,
}

/// <summary>
/// Wraps a store and throws at a chosen call, as a full, read-only or failing disk would: <see cref="FailNext"/> for
/// the next calls, <see cref="FailUntilHealed"/> until <see cref="Heal"/>. A call that throws does nothing in the
/// store beneath. <see cref="BlockNext"/> makes the next call hang, as a stalled disk does, until the test releases it.
/// Counts every call, and the drafts appended, so tests can assert on work done rather than on time.
/// </summary>
public sealed class FaultyOutboxStore(IOutboxStore inner) : IOutboxStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<StoreCall, Queue<Exception>> _next = [];
    private readonly Dictionary<StoreCall, Exception> _always = [];
    private readonly Dictionary<StoreCall, int> _calls = [];
    private readonly Dictionary<StoreCall, StoreBlock> _blocks = [];
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

    /// <summary>The next call of <paramref name="call"/> hangs (a hung SD card, a dead NFS server) until the block is released.</summary>
    public StoreBlock BlockNext(StoreCall call)
    {
        var block = new StoreBlock();
        lock (_lock)
        {
            _blocks[call] = block;
        }

        return block;
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

    public IReadOnlyList<OutboxEntry> Append(IReadOnlyList<NumberedDraft> drafts, Action<IReadOnlyList<OutboxEntry>>? durable = null)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        lock (_lock)
        {
            _draftsAppended += drafts.Count;
        }

        Enter(StoreCall.Append);
        return inner.Append(drafts, durable);
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

    public void ReserveSeq(long seq)
    {
        Enter(StoreCall.ReserveSeq);
        inner.ReserveSeq(seq);
    }

    public long ReservedSeq => inner.ReservedSeq;

    public void Dispose() => inner.Dispose();

    private void Enter(StoreCall call)
    {
        Exception? error = null;
        StoreBlock? block;
        lock (_lock)
        {
            _calls[call] = _calls.GetValueOrDefault(call) + 1;
            _blocks.Remove(call, out block);
            if (_next.TryGetValue(call, out var queue) && queue.TryDequeue(out var next))
            {
                error = next;
            }
            else if (_always.TryGetValue(call, out var always))
            {
                error = always;
            }
        }

        error = block?.Hold() ?? error;
        if (error is not null)
        {
            throw error;
        }
    }
}

/// <summary>A store call held by <see cref="FaultyOutboxStore.BlockNext"/>: <see cref="Entered"/> once it hangs; <see cref="Release"/> lets it go on.</summary>
public sealed class StoreBlock
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _released = new();
    private Exception? _error;

    /// <summary>Completes when the blocked call has started hanging.</summary>
    public Task Entered => _entered.Task;

    /// <summary>The hung call returns: it goes on into the store, or throws <paramref name="error"/> instead.</summary>
    public void Release(Exception? error = null)
    {
        _error = error;
        _released.Set();
    }

    internal Exception? Hold()
    {
        _entered.TrySetResult();
        _released.Wait();
        return _error;
    }
}
