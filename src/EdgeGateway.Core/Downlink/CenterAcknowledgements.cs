using System.Text.Json;
using System.Threading.Channels;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Downlink;

/// <summary>
/// Tracks each active alarm from the outbox to the center's application acknowledgement: a PUBACK only says the
/// broker has the alarm; the ack on <c>.../ack</c> says the center saw it. An alarm not acknowledged
/// <see cref="AckOptions.TimeoutSeconds"/> after its PUBACK is due to be published again (same id and
/// bytes, by the uplink's republisher); one not acknowledged after a second timeout is escalated locally. Restores
/// and non-alarm events are not tracked: the center acknowledges only active alarms.
/// </summary>
/// <remarks>
/// In memory only, and bounded: an acknowledged alarm is forgotten after
/// <see cref="AckOptions.AckedIndicationSeconds"/>, and at most <see cref="MaxTracked"/> alarms are kept.
/// After a restart, alarms the broker already had but the center had not acknowledged are not tracked again.
/// </remarks>
public sealed class CenterAcknowledgements : IDisposable
{
    /// <summary>Most alarms tracked at once; beyond it the oldest (acknowledged first) is forgotten.</summary>
    public const int MaxTracked = 1024;

    private long _lastLatencyTicks = -1;
    private readonly TimeProvider _time;
    private readonly ILogger<CenterAcknowledgements> _logger;
    private readonly TimeSpan _ackTimeout;
    private readonly TimeSpan _ackedIndication;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TrackedAlarm> _alarms = new(StringComparer.Ordinal);
    private readonly HashSet<string> _restores = new(StringComparer.Ordinal);
    private readonly Channel<bool> _republishDue = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private long _order;
    private AckReceipt? _lastAck;

    private readonly DownlinkProblems _problems;

    public CenterAcknowledgements(TimeProvider time, ILogger<CenterAcknowledgements> logger, IOptions<AckOptions> options, DownlinkProblems? problems = null)
    {
        _time = time;
        _logger = logger;
        _problems = problems ?? new DownlinkProblems(time, Microsoft.Extensions.Logging.Abstractions.NullLogger<DownlinkProblems>.Instance);
        _ackTimeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        _ackedIndication = TimeSpan.FromSeconds(options.Value.AckedIndicationSeconds);
    }

    /// <summary>Raised when the center acknowledges an alarm this gateway published: (event id, by, latency).</summary>
    public event Action<string, string, TimeSpan>? Acknowledged;

    /// <summary>Raised after an alarm was accepted, published, acknowledged, escalated or forgotten.</summary>
    public event Action? Changed;

    /// <summary>Alarms sent to the broker and not yet acknowledged by the center.</summary>
    public int Outstanding
    {
        get
        {
            lock (_lock)
            {
                return _alarms.Values.Count(a => a.State != AlarmAckState.Acknowledged && a.SentAt is not null);
            }
        }
    }

    /// <summary>The last publish-to-ack time, if any alarm has been acknowledged.</summary>
    /// <remarks>Kept as ticks (-1: none) so the health loop's read cannot tear a write by the ack handler.</remarks>
    public TimeSpan? LastLatency => Interlocked.Read(ref _lastLatencyTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>The center's last acknowledgement of an alarm this gateway published, if any since start.</summary>
    public AckReceipt? LastAck => Volatile.Read(ref _lastAck);

    /// <summary>Alarms by state: waiting (accepted or published), acknowledged and not yet forgotten, escalated.</summary>
    public AckSummary Summary
    {
        get
        {
            lock (_lock)
            {
                var acknowledged = _alarms.Values.Count(a => a.State == AlarmAckState.Acknowledged);
                return new AckSummary(_alarms.Count - acknowledged, acknowledged, _alarms.Values.Count(a => a.Stage == Stage.Escalated));
            }
        }
    }

    /// <summary>The state of alarm <paramref name="eventId"/>, or null if it is not tracked (any more).</summary>
    public AlarmAckState? StateOf(string eventId)
    {
        lock (_lock)
        {
            return _alarms.TryGetValue(eventId, out var alarm) ? alarm.State : null;
        }
    }

    /// <summary>Events were recorded in the outbox; active alarms among them now wait for the broker and the center.</summary>
    public void Accepted(IReadOnlyList<OutboxEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var changed = false;
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                changed |= TrackLocked(entry) is { IsNew: true };
            }
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }

    /// <summary>An entry is being sent to the broker; the ack latency counts from its first send.</summary>
    public void Sending(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        bool added;
        lock (_lock)
        {
            var tracked = TrackLocked(entry);
            added = tracked is { IsNew: true };
            tracked?.Alarm.SentAt ??= _time.GetTimestamp();
        }

        if (added)
        {
            Changed?.Invoke();
        }
    }

    /// <summary>
    /// The broker's PUBACK for an entry: an accepted alarm is now published and its ack timeout starts. A repeated
    /// PUBACK (the outbox sent it again after a lost session) keeps the first time.
    /// </summary>
    public void Published(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        bool changed;
        lock (_lock)
        {
            var alarm = TrackLocked(entry)?.Alarm;
            changed = alarm is { State: AlarmAckState.Accepted };
            if (alarm is not null && changed)
            {
                alarm.SentAt ??= _time.GetTimestamp();
                alarm.State = AlarmAckState.Published;
                alarm.Timer = _time.CreateTimer(OnTimer, alarm, _ackTimeout, Timeout.InfiniteTimeSpan);
            }
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }

    /// <summary>Alarms due to be published again: not acknowledged within the ack timeout, not yet republished.</summary>
    public IReadOnlyList<OutboxEntry> DueForRepublish()
    {
        lock (_lock)
        {
            return [.. _alarms.Values.Where(a => a.RepublishPending).OrderBy(a => a.Order).Select(a => a.Entry)];
        }
    }

    /// <summary>Waits until an alarm becomes due to be published again (see <see cref="DueForRepublish"/>).</summary>
    public async ValueTask WaitForRepublishAsync(CancellationToken cancellationToken) =>
        await _republishDue.Reader.ReadAsync(cancellationToken);

    /// <summary>The broker's PUBACK for a republished alarm.</summary>
    public void Republished(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_alarms.TryGetValue(entry.EventId, out var alarm))
            {
                alarm.RepublishPending = false;
            }
        }
    }

    /// <summary>
    /// Handles an ack message <c>{"id": "...", "by": "...", "ts": "..."}</c>. Never throws on bad input; malformed and
    /// unknown acks are counted and logged at most once a minute (<see cref="DownlinkProblems"/>).
    /// </summary>
    public void OnAckMessage(ReadOnlySpan<byte> payload)
    {
        if (AckMessage.Read(payload, _problems) is not var (id, by))
        {
            return;
        }

        TimeSpan latency;
        bool wasEscalated;
        lock (_lock)
        {
            if (!_alarms.TryGetValue(id, out var alarm))
            {
                if (!_restores.Remove(id))
                {
                    _problems.Report(DownlinkProblem.UnknownAck, $"ack for {DownlinkProblems.Printable(id, AckMessage.MaxIdLength)}, an alarm this gateway does not track");
                }

                return;
            }

            if (alarm.State == AlarmAckState.Acknowledged)
            {
                return;
            }

            latency = _time.GetElapsedTime(alarm.SentAt ?? alarm.AcceptedAt);
            wasEscalated = alarm.Stage == Stage.Escalated;
            alarm.State = AlarmAckState.Acknowledged;
            alarm.Stage = Stage.Done;
            alarm.RepublishPending = false;
            alarm.Timer?.Dispose();
            alarm.Timer = _time.CreateTimer(OnTimer, alarm, _ackedIndication, Timeout.InfiniteTimeSpan);
            Interlocked.Exchange(ref _lastLatencyTicks, latency.Ticks);
            Volatile.Write(ref _lastAck, new AckReceipt(id, by, _time.GetUtcNow(), latency));
        }

        Log.CenterAcknowledged(_logger, id, by, (long)latency.TotalMilliseconds);
        if (wasEscalated)
        {
            Log.EscalationEnded(_logger, id);
        }

        Acknowledged?.Invoke(id, by, latency);
        Changed?.Invoke();
    }

    /// <summary>An ack too large to read (over <see cref="AckMessage.MaxPayloadBytes"/>): counted and refused unread.</summary>
    public void OnOversizedAck(long length) =>
        _problems.Report(DownlinkProblem.MalformedAck, AckMessage.Oversized(length));

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var alarm in _alarms.Values)
            {
                alarm.Timer?.Dispose();
            }

            _alarms.Clear();
        }
    }

    /// <summary>The alarm for an entry that needs an ack, added if new.</summary>
    private (TrackedAlarm Alarm, bool IsNew)? TrackLocked(OutboxEntry entry)
    {
        if (_alarms.TryGetValue(entry.EventId, out var known))
        {
            return (known, false);
        }

        // A restore already seen is not parsed again on each send and PUBACK.
        if (entry.Lane != Events.Lane.Alarm || _restores.Contains(entry.EventId))
        {
            return null;
        }

        if (!NeedsAck(entry))
        {
            // The center may ack a restore too (edge-center does, without an operator): known, but nothing to wait for.
            RememberBounded(_restores, entry.EventId);
            return null;
        }

        if (_alarms.Count >= MaxTracked)
        {
            ForgetOldestLocked();
        }

        var alarm = new TrackedAlarm(entry, ++_order, _time.GetTimestamp());
        _alarms[entry.EventId] = alarm;
        return (alarm, true);
    }

    /// <summary>Whether an alarm-lane entry is one the center acknowledges: state active.</summary>
    private static bool NeedsAck(OutboxEntry entry)
    {
        using var payload = JsonDocument.Parse(entry.Payload);
        return payload.RootElement.TryGetProperty("state", out var state) && state.ValueEquals("active"u8);
    }

    /// <summary>Adds to a set of ids that starts over when it reaches <see cref="MaxTracked"/>. True if it was new.</summary>
    private static bool RememberBounded(HashSet<string> ids, string id)
    {
        if (ids.Count >= MaxTracked)
        {
            ids.Clear();
        }

        return ids.Add(id);
    }

    /// <summary>Makes room: the oldest acknowledged alarm goes first, else the oldest of all (logged).</summary>
    private void ForgetOldestLocked()
    {
        var victim = _alarms.Values.Where(a => a.State == AlarmAckState.Acknowledged).MinBy(a => a.Order)
            ?? _alarms.Values.MinBy(a => a.Order)!;
        if (victim.State != AlarmAckState.Acknowledged)
        {
            Log.AckTrackingFull(_logger, MaxTracked, victim.Entry.EventId, victim.State);
        }

        victim.Timer?.Dispose();
        _alarms.Remove(victim.Entry.EventId);
    }

    private void OnTimer(object? state)
    {
        var alarm = (TrackedAlarm)state!;
        var seconds = (long)_ackTimeout.TotalSeconds;
        lock (_lock)
        {
            if (!_alarms.TryGetValue(alarm.Entry.EventId, out var current) || current != alarm)
            {
                return;
            }

            switch (alarm.Stage)
            {
                case Stage.FirstWait:
                    alarm.Stage = Stage.SecondWait;
                    alarm.RepublishPending = true;
                    alarm.Timer?.Change(_ackTimeout, Timeout.InfiniteTimeSpan);
                    Log.NoAckRepublishing(_logger, alarm.Entry.EventId, seconds);
                    _republishDue.Writer.TryWrite(true);
                    return;
                case Stage.SecondWait:
                    alarm.Stage = Stage.Escalated;
                    Log.NoAckEscalating(_logger, alarm.Entry.EventId, seconds * 2);
                    break;
                case Stage.Done:
                    alarm.Timer?.Dispose();
                    _alarms.Remove(alarm.Entry.EventId);
                    break;
                default:
                    return;
            }
        }

        Changed?.Invoke();
    }

    /// <summary>Where an alarm is on its timeout ladder.</summary>
    private enum Stage
    {
        /// <summary>Waiting for the first timeout (or not yet published).</summary>
        FirstWait,

        /// <summary>Republished (or due to be); waiting for the second timeout.</summary>
        SecondWait,

        /// <summary>Still no ack after the second timeout: the local escalation is on.</summary>
        Escalated,

        /// <summary>Acknowledged; forgotten when the indication time is over.</summary>
        Done,
    }

    private sealed class TrackedAlarm(OutboxEntry entry, long order, long acceptedAt)
    {
        public OutboxEntry Entry { get; } = entry;

        public long Order { get; } = order;

        public long AcceptedAt { get; } = acceptedAt;

        public long? SentAt { get; set; }

        public AlarmAckState State { get; set; } = AlarmAckState.Accepted;

        public Stage Stage { get; set; } = Stage.FirstWait;

        public bool RepublishPending { get; set; }

        public ITimer? Timer { get; set; }
    }
}
