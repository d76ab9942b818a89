using System.Collections.Concurrent;
using MQTTnet;

namespace EdgeGateway.Mqtt.Uplink;

public sealed partial class OutboxForwarder
{
    /// <summary>
    /// The window's alarms published by the appending thread (<see cref="Core.Outbox.OutboxSignal.AttachAlarmPublisher"/>),
    /// and the slots both it and the loop take: an alarm on disk goes on the wire without waiting for the loop to wake.
    /// </summary>
    private sealed partial class Window
    {
        // Decides who publishes an alarm, the loop (it read it or took it handed) or the appending thread
        // (TryPublishNow); held briefly, never across a store call or an await.
        private readonly Lock _claim = new();

        // Alarms the appending thread put on the wire, until the loop takes them into _inFlight; a null publish is one
        // it could not send after claiming it, which the loop sends.
        private readonly ConcurrentQueue<(Task<MqttClientPublishResult>? Publish, Core.Outbox.OutboxEntry Entry)> _direct = new();

        // Their ids until then, under _claim: a reload that reads one from the store meanwhile passes over it.
        private readonly HashSet<string> _directIds = new(StringComparer.Ordinal);

        // Publishes in flight, the loop's and the appending thread's: what the window's size bounds.
        private int _slots;

        // While the loop waits out a refusal, the appending thread leaves alarms to it.
        private volatile bool _paused;

        /// <summary>
        /// On the appending thread, as the writer hands an alarm over: publishes it at once if a slot is free and no read
        /// of the store has found it, so it need not wait for the loop to wake (the loop takes it in with
        /// <see cref="TakeDirect"/>). False leaves it to the loop.
        /// </summary>
        private bool TryPublishNow(Core.Outbox.OutboxEntry alarm, CancellationToken sessionOver)
        {
            var message = ToMessage(owner._topics, alarm);
            if (_paused || sessionOver.IsCancellationRequested || !session.Fits(message, out _))
            {
                return false;
            }

            lock (_claim)
            {
                if (alarm.Seq <= _alarmSeqSeen || !TryTakeSlot(_size))
                {
                    return false;
                }

                _directIds.Add(alarm.EventId);
            }

            try
            {
                owner._acknowledgements.Sending(alarm);
                _direct.Enqueue((PublishAsync(message, alarm.Lane, sessionOver), alarm));
            }
            catch (Exception)
            {
                // Claimed, so the loop must send it: no read will.
                ReleaseSlot();
                _direct.Enqueue((null, alarm));
            }

            return true;
        }

        /// <summary>Takes the alarms the appending thread published into the window (and those it claimed but could not send).</summary>
        private void TakeDirect()
        {
            while (_direct.TryDequeue(out var direct))
            {
                if (direct.Publish is { } publish)
                {
                    _inFlightIds.Add(direct.Entry.EventId);
                    _inFlight.Add(publish, new InFlight(direct.Entry, Reduced: false));
                }
                else
                {
                    _handed.Enqueue(direct.Entry);
                }

                lock (_claim)
                {
                    _directIds.Remove(direct.Entry.EventId);
                }
            }
        }

        /// <summary>Takes a slot of the window if fewer than <paramref name="limit"/> are taken.</summary>
        private bool TryTakeSlot(int limit)
        {
            var taken = Volatile.Read(ref _slots);
            while (taken < limit)
            {
                var seen = Interlocked.CompareExchange(ref _slots, taken + 1, taken);
                if (seen == taken)
                {
                    return true;
                }

                taken = seen;
            }

            return false;
        }

        private void ReleaseSlot() => Interlocked.Decrement(ref _slots);

        /// <summary>A reduced alarm first (it stands in for an alarm the broker would not take), then handed-over alarms, then the outbox.</summary>
        private InFlight? NextToSend() =>
            _reduced.TryDequeue(out var reduced) ? new InFlight(reduced, Reduced: true)
            : _handed.TryDequeue(out var handed) ? new InFlight(handed, Reduced: false)
            : _ready.TryDequeue(out var entry) ? new InFlight(entry, Reduced: false)
            : null;
    }
}
