using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Health;

/// <summary>
/// Takes <see cref="HealthSnapshot"/>s from the parts of the gateway. Cheap enough to run every minute: counters from
/// memory, one read per non-empty outbox lane and one statvfs. Uptime counts from this builder's creation at start.
/// </summary>
public sealed class HealthSnapshotBuilder(
    IOutboxStore store,
    GatewayIdentity identity,
    IClockSync clock,
    BoardHealth board,
    EventRecorder recorder,
    CenterAcknowledgements acknowledgements,
    LivenessRegistry liveness,
    IOptions<GatewayOptions> gateway,
    TimeProvider time,
    LoopSupervision? loops = null,
    TestModeSwitch? testMode = null,
    DownlinkProblems? downlink = null,
    InputProofs? proofs = null)
{
    private readonly long _startedAt = time.GetTimestamp();
    private readonly string _dataDirectory = gateway.Value.DataDirectory;

    /// <summary>A snapshot now; the uplink's state comes from the MQTT connection, which Core does not know.</summary>
    /// <param name="broker"><c>primary</c>, <c>secondary</c> or <c>none</c>.</param>
    /// <param name="reconnects">Reconnections since start.</param>
    public HealthSnapshot Build(string broker, long reconnects)
    {
        var now = time.GetUtcNow();
        var depth = store.Depth;
        var reading = board.Latest;
        var test = testMode?.Current;
        return new HealthSnapshot(
            identity.BootId,
            now,
            clock.IsSynchronized,
            time.GetElapsedTime(_startedAt),
            store.LastSeq,
            Lane(Events.Lane.Alarm, depth.Alarm, now),
            Lane(Events.Lane.Event, depth.Event, now),
            Lane(Events.Lane.Telemetry, depth.Telemetry, now),
            store.Dropped,
            broker,
            reconnects,
            acknowledgements.Outstanding,
            acknowledgements.LastLatency,
            DiskFreeBytes(_dataDirectory),
            reading.CpuTemperatureC,
            reading.UnderVoltage,
            test is not null || recorder.TestMode)
        {
            SiteId = identity.SiteId,
            GatewayId = identity.GatewayId,
            Version = GatewayIdentity.Version,
            LastAck = acknowledgements.LastAck,
            SetAside = store.SetAsideCount,
            InputLoopAge = liveness.SinceLastBeat(LivenessRegistry.Inputs),
            ForwarderAge = liveness.SinceLastBeat(LivenessRegistry.Forwarder),
            Loops = loops?.Snapshot() ?? [],
            TestModeDetail = test,
            Downlink = downlink?.Counts ?? new DownlinkCounts(0, 0, 0, 0, 0, 0, 0),
            Proven = proofs?.Snapshot() ?? [],
        };
    }

    /// <summary>Space the gateway may use on the filesystem holding <paramref name="directory"/> (statvfs f_bavail); null if unreadable.</summary>
    public static long? DiskFreeBytes(string directory)
    {
        try
        {
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>One lane's depth and oldest age now (one read when the lane is not empty).</summary>
    public LaneHealth LaneNow(Lane lane)
    {
        var depth = store.Depth;
        return Lane(lane, lane switch { Events.Lane.Alarm => depth.Alarm, Events.Lane.Event => depth.Event, _ => depth.Telemetry }, time.GetUtcNow());
    }

    private LaneHealth Lane(Lane lane, long depth, DateTimeOffset now)
    {
        if (depth == 0)
        {
            return new LaneHealth(0, null);
        }

        try
        {
            // Timestamps are wall clock: after a clock step backwards an entry could look younger than new; never negative.
            return new LaneHealth(depth, store.OldestTimestamp(lane) is { } oldest ? TimeSpan.FromTicks(Math.Max(0, (now - oldest).Ticks)) : null);
        }
        catch (IOException)
        {
            // A failing disk must not stop the health report that would tell the center about it.
            return new LaneHealth(depth, null);
        }
    }
}
