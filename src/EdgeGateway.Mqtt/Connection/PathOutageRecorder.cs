using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>
/// Times each loss of the path to the broker; an outage longer than the keepalive becomes a restored uplink path-fault
/// event, recorded at the connect that ends it (it could not have been sent before). Start-up counts as a lost path.
/// A subscription the broker refuses is reported once as an active uplink subscribe-fault event, restored once granted;
/// a session another connection took over as an active uplink session-taken-over fault.
/// </summary>
public sealed class PathOutageRecorder
{
    private readonly EventRecorder _recorder;
    private readonly TimeSpan _keepAlive;
    private readonly TimeProvider _time;

    // Monotonic timestamp for the length: a clock step of months does not change it. The wall time is only reported.
    private long _lostAt;
    private DateTimeOffset _lostAtWall;
    private SubscribeFault? _subscribeFault;
    private string? _lastBroker;
    private long _failovers;

    public PathOutageRecorder(EventRecorder recorder, IOptions<MqttOptions> options, TimeProvider time)
    {
        _recorder = recorder;
        _keepAlive = TimeSpan.FromSeconds(options.Value.KeepAliveSeconds);
        _time = time;
        _lostAt = time.GetTimestamp();
        _lostAtWall = time.GetUtcNow();
    }

    /// <summary>Sessions that came up on a different broker than the one before (to the secondary, or back).</summary>
    public long Failovers => Interlocked.Read(ref _failovers);

    public void PathLost()
    {
        _lostAt = _time.GetTimestamp();
        _lostAtWall = _time.GetUtcNow();
    }

    /// <summary>
    /// The <paramref name="broker"/> at <paramref name="host"/> refused the subscription to <paramref name="topic"/>
    /// with <paramref name="reason"/>; recorded at the first refusal only, so retries do not repeat it until granted.
    /// </summary>
    public void SubscribeRefused(string broker, string host, string topic, string reason)
    {
        if (Interlocked.CompareExchange(ref _subscribeFault, new SubscribeFault(topic, reason), null) is not null)
        {
            return;
        }

        RecordSubscribeFault(EventState.Active, new SubscribeFault(topic, reason), broker, host);
    }

    /// <summary>Every downlink subscription was granted: a subscribe fault reported before is restored.</summary>
    public void SubscribeGranted(string broker, string host)
    {
        if (Interlocked.Exchange(ref _subscribeFault, null) is { } fault)
        {
            RecordSubscribeFault(EventState.Restored, fault, broker, host);
        }
    }

    /// <summary>
    /// The <paramref name="broker"/> ended the session because another connection came with this gateway's client id
    /// (MQTT 5 DISCONNECT reason Session taken over): a copy of its certificate, or a second device configured as it.
    /// Recorded at once as an active uplink fault; it goes out with the next session.
    /// </summary>
    public void SessionTakenOver(string broker, string host) =>
        _recorder.RecordFault("uplink", EventState.Active, new Dictionary<string, string>
        {
            ["fault"] = "session-taken-over",
            ["broker"] = broker,
            ["host"] = host,
        });

    /// <summary>Connected to <paramref name="host"/> (the <paramref name="broker"/>, primary or secondary) again.</summary>
    public void PathRestored(string broker, string host)
    {
        if (Interlocked.Exchange(ref _lastBroker, broker) is { } last && last != broker)
        {
            Interlocked.Increment(ref _failovers);
        }

        var duration = _time.GetElapsedTime(_lostAt);
        if (duration <= _keepAlive)
        {
            return;
        }

        var end = _time.GetUtcNow();
        _recorder.RecordFault("uplink", EventState.Restored, new Dictionary<string, string>
        {
            ["fault"] = "path",
            ["start"] = EventPayload.FormatTimestamp(_lostAtWall),
            ["end"] = EventPayload.FormatTimestamp(end),
            ["durationSeconds"] = ((long)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ["broker"] = broker,
            ["host"] = host,
        });
    }

    private void RecordSubscribeFault(EventState state, SubscribeFault fault, string broker, string host) =>
        _recorder.RecordFault("uplink", state, new Dictionary<string, string>
        {
            ["fault"] = "subscribe",
            ["topic"] = fault.Topic,
            ["reason"] = fault.Reason,
            ["broker"] = broker,
            ["host"] = host,
        });

    private sealed record SubscribeFault(string Topic, string Reason);
}
