using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Wakes the forwarder when something was appended, without polling, and hands it the alarms just written to disk so
/// it can publish them without reading the store first (behind a backlog that read costs milliseconds, on the alarm's
/// path). While a session runs, its forwarder may take an alarm at once on the appending thread
/// (<see cref="AttachAlarmPublisher"/>): on two busy cores the forwarder's own wake-up was the largest wait between an
/// alarm's fsync and its publish (docs/performance.md). Either way the hand-off is only a shortcut: every handed alarm
/// is in the store too, and one the forwarder never takes (no session, or more than <see cref="MaxHandedAlarms"/>
/// waiting) is published from there.
/// </summary>
public sealed class OutboxSignal
{
    /// <summary>Alarms kept for the forwarder at most; beyond it the oldest are forgotten (the store still has them).</summary>
    public const int MaxHandedAlarms = 256;

    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private readonly ConcurrentQueue<OutboxEntry> _alarms = new();

    private Func<OutboxEntry, bool>? _alarmPublisher;

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Wakes the forwarder with the entries an append has just made durable; their alarms are handed over.</summary>
    public void Notify(IReadOnlyList<OutboxEntry> appended)
    {
        ArgumentNullException.ThrowIfNull(appended);
        var publisher = Volatile.Read(ref _alarmPublisher);
        foreach (var entry in appended)
        {
            if (entry.Lane == Lane.Alarm && publisher?.Invoke(entry) != true)
            {
                _alarms.Enqueue(entry);
            }
        }

        while (_alarms.Count > MaxHandedAlarms && _alarms.TryDequeue(out _))
        {
        }

        Notify();
    }

    /// <summary>
    /// From now on <see cref="Notify(IReadOnlyList{OutboxEntry})"/> offers each appended alarm to
    /// <paramref name="publisher"/> first, on the appending thread; one it returns false for is handed over as before.
    /// The publisher must not throw or block. Returns what detaches it (a later publisher stays attached).
    /// </summary>
    public IDisposable AttachAlarmPublisher(Func<OutboxEntry, bool> publisher)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        Volatile.Write(ref _alarmPublisher, publisher);
        return new Detach(this, publisher);
    }

    /// <summary>The alarms handed over since the last call, oldest first.</summary>
    public IReadOnlyList<OutboxEntry> TakeAlarms()
    {
        if (_alarms.IsEmpty)
        {
            return [];
        }

        var taken = new List<OutboxEntry>();
        while (_alarms.TryDequeue(out var entry))
        {
            taken.Add(entry);
        }

        return taken;
    }

    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        await _channel.Reader.ReadAsync(cancellationToken);
    }

    private sealed class Detach(OutboxSignal signal, Func<OutboxEntry, bool> publisher) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref signal._alarmPublisher, null, publisher);
    }
}
