using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Connection;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt.Uplink;

/// <summary>
/// Drains the outbox to the broker through a sliding window of pipelined QoS 1 publishes, alarms first: a new
/// alarm is read as soon as it is appended and overtakes every pending event (it waits at most for the window
/// already in flight). Entries leave the outbox only after their PUBACK, removed in batches; whatever was in
/// flight when a session ended is sent again, with the same id and bytes, on the next one.
/// </summary>
public sealed class OutboxForwarder : SupervisedLoop
{
    /// <summary>Pause after the broker refused or did not answer a publish, so a refusal cannot spin.</summary>
    public static readonly TimeSpan RefusalPause = TimeSpan.FromSeconds(5);

    private readonly MqttConnection _connection;
    private readonly IOutboxStore _store;
    private readonly UnwrittenEntries _unwritten;
    private readonly OutboxSignal _signal;
    private readonly TopicScheme _topics;
    private readonly CenterAcknowledgements _acknowledgements;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxForwarder> _logger;
    private readonly LivenessRegistry _liveness;
    private readonly int _window;

    public OutboxForwarder(
        MqttConnection connection,
        IOutboxStore store,
        UnwrittenEntries unwritten,
        OutboxSignal signal,
        TopicScheme topics,
        CenterAcknowledgements acknowledgements,
        IOptions<MqttOptions> options,
        TimeProvider time,
        LivenessRegistry liveness,
        ILogger<OutboxForwarder> logger)
    {
        _connection = connection;
        _store = store;
        _unwritten = unwritten;
        _signal = signal;
        _topics = topics;
        _acknowledgements = acknowledgements;
        _time = time;
        _liveness = liveness;
        _logger = logger;
        _window = options.Value.InFlightWindow;
    }

    protected override Task RunLoopAsync(CancellationToken stoppingToken) => _connection.ForEachSessionAsync(
        async (session, sessionOver) =>
        {
            var window = new Window(this, session);
            try
            {
                await window.DrainAsync(sessionOver);
            }
            finally
            {
                window.RemoveAcknowledged();
            }
        },
        stoppingToken);

    /// <summary>The message for an entry: its own bytes on its lane's topic, QoS 1. A republish sends exactly this again.</summary>
    internal static MqttApplicationMessage ToMessage(TopicScheme topics, OutboxEntry entry) => new MqttApplicationMessageBuilder()
        .WithTopic(topics.For(entry.TopicLeaf))
        .WithPayload(entry.Payload)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithContentType("application/json")
        .Build();

    /// <summary>The in-flight window of one session.</summary>
    private sealed class Window(OutboxForwarder owner, MqttSession session)
    {
        private readonly Dictionary<Task<MqttClientPublishResult>, OutboxEntry> _inFlight = [];
        private readonly HashSet<string> _inFlightIds = new(StringComparer.Ordinal);
        private readonly HashSet<string> _fromMemory = new(StringComparer.Ordinal);
        private readonly List<OutboxEntry> _acknowledged = [];
        private Queue<OutboxEntry> _ready = new();
        private Task? _appended;

        public async Task DrainAsync(CancellationToken sessionOver)
        {
            var reload = true;
            while (true)
            {
                // The watchdog wakes the forwarder through the outbox signal, so an idle loop still beats.
                owner._liveness.Beat(LivenessRegistry.Forwarder);
                sessionOver.ThrowIfCancellationRequested();
                if (reload || _ready.Count == 0)
                {
                    Reload();
                    reload = false;
                }

                while (_inFlight.Count < owner._window && _acknowledged.Count < owner._window && _ready.TryDequeue(out var entry))
                {
                    Publish(entry, sessionOver);
                }

                // Batched removal, a window at a time while the window keeps publishing: at most one window in flight
                // plus one acknowledged-but-kept can be sent again after a crash. Removing after every PUBACK made the
                // store's per-call cost bound the drain (docs/performance.md).
                if (_acknowledged.Count > 0 && (_inFlight.Count == 0 || _acknowledged.Count >= owner._window))
                {
                    RemoveAcknowledged();
                    continue;
                }

                _appended ??= owner._signal.WaitAsync(sessionOver).AsTask();
                if (_inFlight.Count == 0)
                {
                    if (_ready.Count > 0)
                    {
                        continue;
                    }

                    await _appended;
                    _appended = null;
                    reload = true;
                    continue;
                }

                var finished = await Task.WhenAny(_inFlight.Keys.Append(_appended));
                if (finished == _appended)
                {
                    await _appended;
                    _appended = null;
                    reload = true;
                }

                if (!Harvest())
                {
                    // Refused or timed out: wait out the rest of the window, keep what was acknowledged, pause.
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
            var stored = owner._store.ReadPending((owner._window * 4) + _inFlight.Count + _acknowledged.Count);
            _ready = new Queue<OutboxEntry>(memory.Concat(stored)
                .Where(e => !_inFlightIds.Contains(e.EventId) && !acknowledged.Contains(e.EventId))
                .DistinctBy(e => e.EventId)
                .OrderBy(e => e.Lane)
                .ThenBy(e => e.Seq));
        }

        private void Publish(OutboxEntry entry, CancellationToken sessionOver)
        {
            // Tracked before sending: the center's ack can arrive before we have processed the PUBACK.
            owner._acknowledgements.Sending(entry);
            _inFlightIds.Add(entry.EventId);
            _inFlight.Add(PublishAsync(session.Client, ToMessage(owner._topics, entry), sessionOver), entry);
        }

        // MQTTnet throws synchronously when the connection dropped before the session was marked lost; as a failed
        // publish it is handled like any other (pause until the session ends) instead of killing the forwarder.
        private static async Task<MqttClientPublishResult> PublishAsync(IMqttClient client, MqttApplicationMessage message, CancellationToken sessionOver) =>
            await client.PublishAsync(message, sessionOver);

        /// <summary>Collects finished publishes. False if one was refused or timed out.</summary>
        private bool Harvest()
        {
            var healthy = true;
            foreach (var (publish, entry) in _inFlight.Where(p => p.Key.IsCompleted).ToList())
            {
                _inFlight.Remove(publish);
                _inFlightIds.Remove(entry.EventId);
                if (publish.IsCompletedSuccessfully && BrokerAnswer.Delivered(entry, publish.Result.ReasonCode))
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
                else if (publish.IsCompletedSuccessfully && publish.Result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers)
                {
                    healthy = false;
                    Log.AlarmWithoutSubscriber(owner._logger, entry.Seq, entry.EventId);
                }
                else if (publish.IsCompletedSuccessfully)
                {
                    healthy = false;
                    Log.PublishRefused(owner._logger, entry.Seq, publish.Result.ReasonCode.ToString(), publish.Result.ReasonString ?? "");
                }
                else
                {
                    healthy = false;
                    if (publish.Exception?.InnerException is MqttCommunicationTimedOutException)
                    {
                        // No PUBACK within the timeout on a "connected" session: the path is dead (half-open TCP).
                        _ = owner._connection.DropAsync("no PUBACK within the timeout");
                    }
                }
            }

            return healthy;
        }
    }
}
