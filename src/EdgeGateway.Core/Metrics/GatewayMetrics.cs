using System.Diagnostics.Metrics;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Uplink;

namespace EdgeGateway.Core.Metrics;

/// <summary>
/// The gateway's instruments (System.Diagnostics.Metrics, meter <see cref="MeterName"/>; names in docs/metrics.md).
/// Most are observed from counters the gateway keeps anyway, read only when a scrape collects them; the two latency
/// histograms and the accepted count are recorded as they happen. Nothing here is in the alarm path's way: with no
/// listener a recording costs a check, and the exporter (the host's <c>Metrics</c> section) is opt-in.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "EdgeGateway.Gateway";

    /// <summary>Seconds: from a PUBACK in milliseconds on loopback to the minutes of a center that does not answer.</summary>
    private static readonly double[] s_latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    private static readonly Lane[] s_lanes = [Lane.Alarm, Lane.Event, Lane.Telemetry];

    private readonly Meter _meter = new(MeterName, GatewayIdentity.Version);
    private readonly EventRecorder _recorder;
    private readonly CenterAcknowledgements _acknowledgements;
    private readonly Counter<long> _accepted;
    private readonly Histogram<double> _publishDuration;
    private readonly Histogram<double> _centerAckDuration;

    public GatewayMetrics(
        HealthSnapshotBuilder snapshots,
        IOutboxStore store,
        UnwrittenEntries unwritten,
        StorageHealth storage,
        EventRecorder recorder,
        CenterAcknowledgements acknowledgements,
        IUplinkPath path)
    {
        _recorder = recorder;
        _acknowledgements = acknowledgements;
        _meter.CreateObservableGauge("edgegateway.outbox.depth", () => Depths(store.Depth), "{entry}", "Entries waiting in the outbox, by lane");
        _meter.CreateObservableGauge("edgegateway.outbox.oldest_age", () => OldestAges(snapshots), "s", "How long the oldest waiting entry of each lane has waited (0 when the lane is empty)");
        _meter.CreateObservableGauge("edgegateway.outbox.set_aside", () => store.SetAsideCount, "{entry}", "Outbox entries the broker would not take, set aside (in no lane's depth)");
        _accepted = _meter.CreateCounter<long>("edgegateway.events.accepted", "{event}", "Events accepted into the outbox (on disk, or held in memory while the disk refuses), by lane");
        _meter.CreateObservableCounter("edgegateway.events.dropped", () => Dropped(store, unwritten), "{event}", "Events dropped unsent, by lane and reason: outbox (full, or telemetry past its TTL; counted over the outbox's life) or memory (refused while the disk refused and the in-memory buffer was full; since start)");
        _publishDuration = _meter.CreateHistogram("edgegateway.uplink.publish.duration", "s", "From a QoS 1 publish to the broker's PUBACK, by lane", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });
        _centerAckDuration = _meter.CreateHistogram("edgegateway.center_ack.duration", "s", "From an alarm's PUBACK to the center's acknowledgement", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });
        _meter.CreateObservableCounter("edgegateway.uplink.reconnects", () => path.Reconnects, "{connection}", "Reconnections to a broker since start (the first connection does not count)");
        _meter.CreateObservableCounter("edgegateway.uplink.failovers", () => path.Failovers, "{switch}", "Sessions since start that came up on the other broker than the one before (to Mqtt:Secondary, or back)");
        _meter.CreateObservableCounter("edgegateway.storage.failures", () => storage.FailureCounts.Select(f => new Measurement<long>(f.Value, new KeyValuePair<string, object?>("operation", f.Key))), "{call}", "Outbox store calls that failed or overran Outbox:WriteDeadlineMs, by operation");
        recorder.Accepted += OnAccepted;
        acknowledgements.Acknowledged += OnAcknowledged;
    }

    /// <summary>The meter, for an exporter to select exactly this gateway's instruments (several gateways can share a process).</summary>
    public Meter Meter => _meter;

    /// <summary>The broker answered a publish of <paramref name="lane"/> <paramref name="elapsed"/> after it was sent.</summary>
    public void PublishAnswered(Lane lane, TimeSpan elapsed) => _publishDuration.Record(elapsed.TotalSeconds, LaneTag(lane));

    public void Dispose()
    {
        _recorder.Accepted -= OnAccepted;
        _acknowledgements.Acknowledged -= OnAcknowledged;
        _meter.Dispose();
    }

    private static KeyValuePair<string, object?> LaneTag(Lane lane) => new("lane", LaneName(lane));

    private static string LaneName(Lane lane) => lane switch
    {
        Lane.Alarm => "alarm",
        Lane.Event => "event",
        _ => "telemetry",
    };

    private static Measurement<long>[] Depths(OutboxDepth depth) =>
        [new(depth.Alarm, LaneTag(Lane.Alarm)), new(depth.Event, LaneTag(Lane.Event)), new(depth.Telemetry, LaneTag(Lane.Telemetry))];

    private static IEnumerable<Measurement<double>> OldestAges(HealthSnapshotBuilder snapshots)
    {
        foreach (var lane in s_lanes)
        {
            var health = snapshots.LaneNow(lane);
            // A lane with entries whose oldest could not be read now is left out rather than reported as fresh.
            if (health.Depth == 0 || health.OldestAge is not null)
            {
                yield return new Measurement<double>(health.OldestAge?.TotalSeconds ?? 0, LaneTag(lane));
            }
        }
    }

    private static IEnumerable<Measurement<long>> Dropped(IOutboxStore store, UnwrittenEntries unwritten)
    {
        // The guarded store reports both together; the memory part is the unwritten buffer's own count.
        var total = store.Dropped;
        var memory = unwritten.Refused;
        foreach (var (lane, all, inMemory) in new[] { (Lane.Event, total.Event, memory.Event), (Lane.Telemetry, total.Telemetry, memory.Telemetry) })
        {
            yield return new Measurement<long>(all - inMemory, LaneTag(lane), new("reason", "outbox"));
            yield return new Measurement<long>(inMemory, LaneTag(lane), new("reason", "memory"));
        }
    }

    private void OnAccepted(IReadOnlyList<OutboxEntry> entries)
    {
        foreach (var entry in entries)
        {
            _accepted.Add(1, LaneTag(entry.Lane));
        }
    }

    private void OnAcknowledged(string eventId, string by, TimeSpan latency) => _centerAckDuration.Record(latency.TotalSeconds);
}
