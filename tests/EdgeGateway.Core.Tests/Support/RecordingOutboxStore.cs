using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.Core.Tests.Support;

/// <summary>
/// Minimal thread-safe in-memory <see cref="IOutboxStore"/> for Core tests: records every accepted draft and
/// can be told to refuse the next appends.
/// </summary>
internal sealed class RecordingOutboxStore(GatewayIdentity identity) : IOutboxStore
{
    private readonly Lock _gate = new();
    private readonly List<OutboxEntry> _pending = [];
    private readonly List<EventDraft> _accepted = [];
    private readonly Queue<Exception> _failures = new();
    private long _lastSeq;
    private int _appendCalls;

    /// <summary>Raised after a successful append, outside the lock.</summary>
    public event Action<IReadOnlyList<OutboxEntry>>? Appended;

    /// <summary>Raised when an append is refused by <see cref="FailNextAppend"/>, just before it throws.</summary>
    public event Action<Exception>? AppendRefused;

    /// <summary>Drafts accepted so far, in order.</summary>
    public IReadOnlyList<EventDraft> Accepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _accepted];
            }
        }
    }

    public int AppendCalls
    {
        get
        {
            lock (_gate)
            {
                return _appendCalls;
            }
        }
    }

    public OutboxDepth Depth
    {
        get
        {
            lock (_gate)
            {
                return new OutboxDepth(
                    _pending.Count(e => e.Lane == Lane.Alarm),
                    _pending.Count(e => e.Lane == Lane.Event),
                    _pending.Count(e => e.Lane == Lane.Telemetry));
            }
        }
    }

    public OutboxDrops Dropped => default;

    public OutboxRecovery? Recovery => null;

    public long LastSeq
    {
        get
        {
            lock (_gate)
            {
                return _lastSeq;
            }
        }
    }

    /// <summary>The next append throws <paramref name="exception"/> (queued: call repeatedly for several failures).</summary>
    public void FailNextAppend(Exception exception)
    {
        lock (_gate)
        {
            _failures.Enqueue(exception);
        }
    }

    public void Open()
    {
    }

    public IReadOnlyList<OutboxEntry> Append(IReadOnlyList<EventDraft> drafts)
    {
        List<OutboxEntry> entries;
        Exception? failure;
        lock (_gate)
        {
            _appendCalls++;
            _failures.TryDequeue(out failure);
        }

        if (failure is not null)
        {
            AppendRefused?.Invoke(failure);
            throw failure;
        }

        lock (_gate)
        {
            entries = [.. drafts.Select(d => OutboxEntry.Create(d, ++_lastSeq, identity))];
            _pending.AddRange(entries);
            _accepted.AddRange(drafts);
        }

        Appended?.Invoke(entries);
        return entries;
    }

    public IReadOnlyList<OutboxEntry> ReadPending(int max)
    {
        lock (_gate)
        {
            return [.. _pending.OrderBy(e => e.Lane).ThenBy(e => e.Seq).Take(max)];
        }
    }

    public DateTimeOffset? OldestTimestamp(Lane lane)
    {
        lock (_gate)
        {
            var oldest = _pending.Where(e => e.Lane == lane).MinBy(e => e.Seq);
            return oldest is null ? null : _accepted.Single(d => d.Id == oldest.EventId).Timestamp;
        }
    }

    public void Remove(IReadOnlyCollection<OutboxEntry> entries)
    {
        lock (_gate)
        {
            _pending.RemoveAll(e => entries.Any(r => r.Seq == e.Seq));
        }
    }

    public void Dispose()
    {
    }
}
