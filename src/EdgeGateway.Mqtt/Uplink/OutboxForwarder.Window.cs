using EdgeGateway.Mqtt.Connection;
using MQTTnet;

namespace EdgeGateway.Mqtt.Uplink;

public sealed partial class OutboxForwarder
{
    /// <summary>The in-flight window of one session.</summary>
    private sealed partial class Window(OutboxForwarder owner, MqttSession session)
    {
        /// <summary>The reason an entry too large for the broker is set aside with: what the broker would answer, had it answered.</summary>
        private static readonly string s_tooLarge = BrokerAnswer.NameOf(BrokerAnswer.PacketTooLarge);

        private readonly Dictionary<Task<MqttClientPublishResult>, InFlight> _inFlight = [];
        private readonly HashSet<string> _inFlightIds = new(StringComparer.Ordinal);
        private readonly HashSet<string> _fromMemory = new(StringComparer.Ordinal);

        // Entries the disk refused cannot be set aside in the store; the session passes over them instead.
        private readonly HashSet<string> _skippedFromMemory = new(StringComparer.Ordinal);
        private readonly List<Core.Outbox.OutboxEntry> _acknowledged = [];
        private readonly Queue<Core.Outbox.OutboxEntry> _reduced = new();

        // More in flight than the broker's Receive Maximum is a protocol error it answers by disconnecting.
        private readonly int _size = Math.Min(owner._window, session.ReceiveMaximum);

        // Slots only alarms may take, so an alarm accepted during a drain goes out at once instead of after a PUBACK
        // of the backlog. A window of 1 (a broker's Receive Maximum of 1) has none: the alarm waits for one publish.
        private int BacklogSize => AlarmReserve.BacklogSlots(_size);

        private const int ReadAheadWindows = 8;

        // Alarms the writer handed over as it appended them (OutboxSignal): sent before the store is read again.
        private readonly Queue<Core.Outbox.OutboxEntry> _handed = new();

        private Queue<Core.Outbox.OutboxEntry> _ready = new();
        private Task? _appended;

        // The highest alarm seq this session has seen, read or handed over: a handed alarm at or below it was read
        // from the store already (seqs are appended in order and read in order), so it is not sent twice. Under _claim.
        private long _alarmSeqSeen;

        public async Task DrainAsync(CancellationToken sessionOver)
        {
            // What was handed over before this session is read from the store by the first reload.
            owner._signal.TakeAlarms();
            using var publisher = owner._signal.AttachAlarmPublisher(alarm => TryPublishNow(alarm, sessionOver));
            var reload = true;
            while (true)
            {
                // The watchdog wakes the forwarder through the outbox signal, so an idle loop still beats.
                owner._liveness.Beat(Core.Health.LivenessRegistry.Forwarder);
                sessionOver.ThrowIfCancellationRequested();
                TakeDirect();
                if (_handed.Count == 0 && (reload || _ready.Count == 0))
                {
                    Reload();
                    reload = false;
                }

                while (TryTakeSlot(SlotsForNext()))
                {
                    if (NextToSend() is not { } next)
                    {
                        ReleaseSlot();
                        break;
                    }

                    if (!(next.Reduced ? PublishReduced(next.Entry, sessionOver) : Publish(next.Entry, sessionOver)))
                    {
                        ReleaseSlot();
                    }
                }

                // Batched removal, a window at a time while the window keeps publishing: at most one window in flight
                // plus one acknowledged-but-kept can be sent again after a crash. Removing after every PUBACK made the
                // store's per-call cost bound the drain (docs/performance.md).
                if (_acknowledged.Count > 0 && (_inFlight.Count == 0 || _acknowledged.Count >= _size))
                {
                    RemoveAcknowledged();
                    continue;
                }

                _appended ??= owner._signal.WaitAsync(sessionOver).AsTask();
                if (_inFlight.Count == 0)
                {
                    // With no slot free, the slots are the appending thread's, which wakes the loop once it has sent.
                    if ((_ready.Count > 0 || _reduced.Count > 0 || _handed.Count > 0) && Volatile.Read(ref _slots) < SlotsForNext())
                    {
                        continue;
                    }

                    await _appended;
                    _appended = null;
                    TakeHanded();
                    reload = true;
                    continue;
                }

                var finished = await Task.WhenAny(_inFlight.Keys.Append(_appended));
                if (finished == _appended)
                {
                    await _appended;
                    _appended = null;
                    TakeHanded();
                    reload = true;
                }

                if (!Harvest())
                {
                    // Refused or unanswered: wait out the rest of the window, keep what was acknowledged, pause.
                    _paused = true;
                    TakeDirect();
                    try
                    {
                        await Task.WhenAll(_inFlight.Keys);
                    }
                    catch (Exception)
                    {
                        // Each publish's outcome is read by Harvest.
                    }

                    Harvest();
                    RemoveAcknowledged();
                    await Task.Delay(RefusalPause, owner._time, sessionOver);
                    _paused = false;
                    reload = true;
                }
            }
        }

        public void RemoveAcknowledged()
        {
            if (_acknowledged.Count == 0)
            {
                return;
            }

            owner._store.Remove(_acknowledged);
            Log.Forwarded(owner._logger, _acknowledged.Count, _acknowledged.Min(e => e.Seq), _acknowledged.Max(e => e.Seq));
            _acknowledged.Clear();
        }

        private void Reload()
        {
            // Events the disk refused come first (they are the newest alarms), then the outbox in lane order.
            var memory = owner._unwritten.Pending;
            _fromMemory.Clear();
            _fromMemory.UnionWith(memory.Select(e => e.EventId));
            var acknowledged = _acknowledged.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
            // Eight windows ahead: each read also returns what is in flight or acknowledged (filtered out below), so a
            // longer read re-reads less per event sent (1.25 documents instead of 1.5 with four windows; docs/performance.md).
            var stored = owner._store.ReadPending((_size * ReadAheadWindows) + _inFlight.Count + _acknowledged.Count);
            lock (_claim)
            {
                // In one hold with the seen mark: an alarm the appending thread claims from now on is one this read missed.
                _ready = new Queue<Core.Outbox.OutboxEntry>(memory.Concat(stored)
                    .Where(e => !_inFlightIds.Contains(e.EventId) && !acknowledged.Contains(e.EventId) && !_skippedFromMemory.Contains(e.EventId) && !_directIds.Contains(e.EventId))
                    .DistinctBy(e => e.EventId)
                    .OrderBy(e => e.Lane)
                    .ThenBy(e => e.Seq));
                foreach (var entry in stored)
                {
                    if (entry.Lane == Core.Events.Lane.Alarm && entry.Seq > _alarmSeqSeen)
                    {
                        _alarmSeqSeen = entry.Seq;
                    }
                }
            }
        }

        /// <summary>Takes the alarms the writer handed over that no read of the store has seen.</summary>
        private void TakeHanded()
        {
            var handed = owner._signal.TakeAlarms();
            lock (_claim)
            {
                foreach (var alarm in handed)
                {
                    if (alarm.Seq > _alarmSeqSeen)
                    {
                        _alarmSeqSeen = alarm.Seq;
                        _handed.Enqueue(alarm);
                    }
                }
            }
        }

        /// <summary>
        /// How many publishes may be in flight for the next entry to be sent: for an alarm the whole window
        /// (acknowledged-but-kept entries do not hold it back: alarms are few); for the backlog the window without the
        /// alarms' reserve, and none while the acknowledged batch awaits its removal.
        /// </summary>
        private int SlotsForNext()
        {
            var alarm = _reduced.Count > 0 || _handed.Count > 0 || (_ready.TryPeek(out var head) && head.Lane == Core.Events.Lane.Alarm);
            return alarm ? _size : _acknowledged.Count < _size ? BacklogSize : 0;
        }

        /// <summary>Publishes an entry in a slot taken for it; false if it was not sent (too large: set aside).</summary>
        private bool Publish(Core.Outbox.OutboxEntry entry, CancellationToken sessionOver)
        {
            var message = ToMessage(owner._topics, entry);
            if (TooLarge(message, entry))
            {
                // Never sent: Mosquitto would disconnect instead of refusing it, and the next session would do the same.
                SetAside(entry, s_tooLarge);
                return false;
            }

            // Tracked before sending: the center's ack can arrive before we have processed the PUBACK.
            owner._acknowledgements.Sending(entry);
            _inFlightIds.Add(entry.EventId);
            _inFlight.Add(PublishAsync(message, entry.Lane, sessionOver), new InFlight(entry, Reduced: false));
            return true;
        }

        private bool PublishReduced(Core.Outbox.OutboxEntry reduced, CancellationToken sessionOver)
        {
            var message = ToMessage(owner._topics, reduced);
            if (TooLarge(message, reduced))
            {
                return false;
            }

            // The center acks the reduced form like the full one; unacked, it is republished (reduced again).
            owner._acknowledgements.Sending(reduced);
            _inFlight.Add(PublishAsync(message, reduced.Lane, sessionOver), new InFlight(reduced, Reduced: true));
            return true;
        }

        private bool TooLarge(MqttApplicationMessage message, Core.Outbox.OutboxEntry entry)
        {
            if (session.Fits(message, out var size))
            {
                return false;
            }

            Log.TooLarge(owner._logger, entry.Seq, size, session.MaximumPacketSize ?? 0);
            return true;
        }

        private void SetAside(Core.Outbox.OutboxEntry entry, string reason)
        {
            if (_fromMemory.Contains(entry.EventId))
            {
                _skippedFromMemory.Add(entry.EventId);
            }

            if (owner.SetAside(entry, reason) is { } reduced)
            {
                _reduced.Enqueue(reduced);
            }
        }

        /// <summary>
        /// A QoS 1 publish with the gateway's own PUBACK deadline (<see cref="PubackDeadline"/>). MQTTnet also throws
        /// synchronously when the connection dropped before the session was marked lost; as a failed publish (a faulted
        /// task) it is handled like any other (pause until the session ends) instead of killing the forwarder.
        /// </summary>
        private async Task<MqttClientPublishResult> PublishAsync(MqttApplicationMessage message, Core.Events.Lane lane, CancellationToken sessionOver)
        {
            var sentAt = owner._time.GetTimestamp();
            var answer = await session.Client.PublishWithinAsync(message, owner._pubackTimeout, owner._time, sessionOver);
            owner._metrics?.PublishAnswered(lane, owner._time.GetElapsedTime(sentAt));
            return answer;
        }

        /// <summary>Collects finished publishes. False if one was refused or not answered in time.</summary>
        private bool Harvest()
        {
            var healthy = true;
            foreach (var (publish, sent) in _inFlight.Where(p => p.Key.IsCompleted).ToList())
            {
                _inFlight.Remove(publish);
                ReleaseSlot();
                var entry = sent.Entry;
                if (publish.IsFaulted)
                {
                    healthy = false;
                    if (publish.Exception?.InnerException is PubackOverdueException overdue)
                    {
                        // No PUBACK in time on a "connected" session: the path is dead (half-open TCP).
                        _ = owner._connection.DropAsync(overdue.Message);
                    }
                }

                if (sent.Reduced)
                {
                    HarvestReduced(publish, entry);
                    continue;
                }

                _inFlightIds.Remove(entry.EventId);
                if (!publish.IsCompletedSuccessfully)
                {
                    continue;
                }

                var code = publish.Result.ReasonCode;
                if (BrokerAnswer.Delivered(entry, code))
                {
                    owner._acknowledgements.Published(entry);
                    if (_fromMemory.Contains(entry.EventId))
                    {
                        owner._unwritten.Sent(entry);
                    }
                    else
                    {
                        _acknowledged.Add(entry);
                    }
                }
                else if (code == MqttClientPublishReasonCode.NoMatchingSubscribers)
                {
                    healthy = false;
                    Log.AlarmWithoutSubscriber(owner._logger, entry.Seq, entry.EventId);
                }
                else if (BrokerAnswer.Poison(code))
                {
                    // Refused for what it is, not for the broker's state: set aside, the entries behind it go on.
                    Log.PublishRefused(owner._logger, entry.Seq, BrokerAnswer.NameOf(code), publish.Result.ReasonString ?? "");
                    SetAside(entry, BrokerAnswer.NameOf(code));
                }
                else
                {
                    healthy = false;
                    Log.PublishRefused(owner._logger, entry.Seq, BrokerAnswer.NameOf(code), publish.Result.ReasonString ?? "");
                }
            }

            return healthy;
        }

        private void HarvestReduced(Task<MqttClientPublishResult> publish, Core.Outbox.OutboxEntry reduced)
        {
            if (publish.IsCompletedSuccessfully && publish.Result.ReasonCode == MqttClientPublishReasonCode.Success)
            {
                owner.ReducedDelivered(reduced);
                owner._acknowledgements.Published(reduced);
                Log.ReducedAlarmSent(owner._logger, reduced.Seq, reduced.EventId);
            }
            else
            {
                // Tried again when the full entry is restored (next session, or the center's retry-set-aside).
                Log.ReducedAlarmNotSent(owner._logger, reduced.Seq, reduced.EventId, publish.IsCompletedSuccessfully ? BrokerAnswer.NameOf(publish.Result.ReasonCode) : publish.Exception?.InnerException?.Message ?? "cancelled");
            }
        }
    }

    /// <summary>A publish of the window: an outbox entry, or the reduced form of a set-aside alarm.</summary>
    private sealed record InFlight(Core.Outbox.OutboxEntry Entry, bool Reduced);
}
