using System.Globalization;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Metrics;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Connection;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt.Uplink;

/// <summary>
/// Drains the outbox to the broker through a sliding window of pipelined QoS 1 publishes, alarms first: a new
/// alarm overtakes every pending event, published by the appending thread itself as soon as it is on disk when a slot
/// of the window is free (one of its slots is kept for alarms), else by the forwarder as soon as one frees. Entries
/// leave the outbox only after their PUBACK, removed in batches; whatever was in flight when a session ended is sent
/// again, with the same id and bytes, on the next one.
/// </summary>
/// <remarks>
/// The broker's limits are honoured: at most <c>min(Mqtt:InFlightWindow, its Receive Maximum)</c> publishes in
/// flight, and no packet over its Maximum Packet Size. Every PUBACK has a deadline (<see cref="PubackDeadline"/>); a
/// missed one drops the session (a half-open path). An entry the broker will never take (<see cref="BrokerAnswer.Poison"/>,
/// or too large to send) is set aside in the outbox instead of blocking its lane, reported once as an
/// <c>uplink</c> fault, sent in reduced form when it is an alarm, and tried again at the next session or on the
/// center's <c>retry-set-aside</c> command.
/// </remarks>
public sealed partial class OutboxForwarder : SupervisedLoop
{
    /// <summary>Pause after the broker refused or did not answer a publish, so a refusal cannot spin.</summary>
    public static readonly TimeSpan RefusalPause = TimeSpan.FromSeconds(5);

    /// <summary>The <c>fault</c> detail of the event that reports a set-aside entry.</summary>
    public const string SetAsideFault = "set-aside";

    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reducedDelivered = new(StringComparer.Ordinal);
    private readonly MqttConnection _connection;
    private readonly IOutboxStore _store;
    private readonly UnwrittenEntries _unwritten;
    private readonly OutboxSignal _signal;
    private readonly TopicScheme _topics;
    private readonly CenterAcknowledgements _acknowledgements;
    private readonly EventRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxForwarder> _logger;
    private readonly LivenessRegistry _liveness;
    private readonly int _window;
    private readonly TimeSpan _pubackTimeout;
    private readonly GatewayMetrics? _metrics;

    public OutboxForwarder(
        MqttConnection connection,
        IOutboxStore store,
        UnwrittenEntries unwritten,
        OutboxSignal signal,
        TopicScheme topics,
        CenterAcknowledgements acknowledgements,
        EventRecorder recorder,
        IOptions<MqttOptions> options,
        TimeProvider time,
        LivenessRegistry liveness,
        ILogger<OutboxForwarder> logger,
        GatewayMetrics? metrics = null)
    {
        _connection = connection;
        _store = store;
        _unwritten = unwritten;
        _signal = signal;
        _topics = topics;
        _acknowledgements = acknowledgements;
        _recorder = recorder;
        _time = time;
        _liveness = liveness;
        _logger = logger;
        _window = options.Value.InFlightWindow;
        _pubackTimeout = PubackDeadline.For(options.Value);
        _metrics = metrics;
    }

    /// <summary>The message for an entry: its own bytes on its lane's topic, QoS 1. A republish sends exactly this again.</summary>
    internal static MqttApplicationMessage ToMessage(TopicScheme topics, OutboxEntry entry) => new MqttApplicationMessageBuilder()
        .WithTopic(topics.For(entry.TopicLeaf))
        .WithPayload(entry.Payload)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithContentType("application/json")
        .Build();

    /// <summary>
    /// The message that carries <paramref name="entry"/> on <paramref name="session"/>, chosen as at its first send: in
    /// full when that fits the broker's Maximum Packet Size, else (an alarm) its reduced form when that fits; null if
    /// neither does. A republish of an alarm that went reduced therefore goes reduced again, never oversized.
    /// </summary>
    internal static MqttApplicationMessage? ToFittingMessage(TopicScheme topics, OutboxEntry entry, MqttSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var full = ToMessage(topics, entry);
        if (session.Fits(full, out _))
        {
            return full;
        }

        return ReducedAlarm.For(entry) is { } reduced && ToMessage(topics, reduced) is var message && session.Fits(message, out _) ? message : null;
    }

    /// <summary>
    /// Sets an entry the broker will never take aside and reports it (once per entry while the gateway runs). Returns
    /// the reduced alarm to send in its place, or null (not an alarm, or its reduced form was delivered already).
    /// </summary>
    private OutboxEntry? SetAside(OutboxEntry entry, string reason)
    {
        _store.SetAside([entry], reason);
        Log.SetAside(_logger, entry.Seq, entry.EventId, reason);
        if (!ReducedAlarm.IsSetAsideFault(entry) && _reported.Add(entry.EventId))
        {
            _recorder.RecordFault("uplink", EventState.Active, new Dictionary<string, string>
            {
                ["fault"] = SetAsideFault,
                ["id"] = entry.EventId,
                ["seq"] = entry.Seq.ToString(CultureInfo.InvariantCulture),
                ["reason"] = reason,
            });
        }

        return _reducedDelivered.Contains(entry.EventId) ? null : ReducedAlarm.For(entry);
    }

    /// <summary>The broker took the reduced form of a set-aside alarm: it is not sent again.</summary>
    private void ReducedDelivered(OutboxEntry reduced) => _reducedDelivered.Add(reduced.EventId);

    protected override Task RunLoopAsync(CancellationToken stoppingToken) => _connection.ForEachSessionAsync(
        async (session, sessionOver) =>
        {
            // A new session may be a different broker or new limits: what was set aside gets another chance.
            if (_store.RestoreSetAside() is > 0 and var restored)
            {
                Log.SetAsideRestored(_logger, restored);
            }

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
}
