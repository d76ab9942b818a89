using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Wakes the forwarder when something was appended, without polling, and hands it the alarms just written to disk so
/// it can publish them without reading the store first (behind a backlog that read costs milliseconds, on the alarm's
/// path). The hand-off is only a shortcut: every handed alarm is in the store too, and one the forwarder never takes
/// (no session, or more than <see cref="MaxHandedAlarms"/> waiting) is published from there.
/// </summary>
public sealed class OutboxSignal
{
    /// <summary>Alarms kept for the forwarder at most; beyond it the oldest are forgotten (the store still has them).</summary>
    public const int MaxHandedAlarms = 256;

    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private readonly ConcurrentQueue<OutboxEntry> _alarms = new();

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Wakes the forwarder with the entries an append has just made durable; their alarms are handed over.</summary>
    public void Notify(IReadOnlyList<OutboxEntry> appended)
    {
        ArgumentNullException.ThrowIfNull(appended);
        foreach (var entry in appended)
        {
            if (entry.Lane == Lane.Alarm)
            {
                _alarms.Enqueue(entry);
            }
        }

        while (_alarms.Count > MaxHandedAlarms && _alarms.TryDequeue(out _))
        {
        }

        Notify();
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
}
