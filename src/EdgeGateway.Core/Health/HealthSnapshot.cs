using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.Core.Health;

/// <summary>One outbox lane in a health report.</summary>
/// <param name="Depth">Entries waiting.</param>
/// <param name="OldestAge">How long the oldest waiting entry has waited; null when the lane is empty (or unreadable now).</param>
public readonly record struct LaneHealth(long Depth, TimeSpan? OldestAge);

/// <summary>
/// The gateway's condition at one moment: what the <c>health</c> message carries (docs/mqtt-contract.md), and what
/// <c>edge-gateway status</c> reads from the status socket (the same record as camelCase JSON, with the init-only
/// properties below too).
/// </summary>
/// <param name="BootId">This process start.</param>
/// <param name="Timestamp">When the snapshot was taken (wall clock).</param>
/// <param name="ClockSynced">The system clock is NTP-synchronised.</param>
/// <param name="Uptime">Since the gateway started.</param>
/// <param name="LastSeq">The last sequence number given out.</param>
/// <param name="Alarm">The alarm lane.</param>
/// <param name="Event">The event lane.</param>
/// <param name="Telemetry">The telemetry lane.</param>
/// <param name="Dropped">Entries dropped unsent, per lane.</param>
/// <param name="Broker"><c>primary</c>, <c>secondary</c> or <c>none</c>.</param>
/// <param name="Reconnects">Reconnections since start.</param>
/// <param name="AwaitingAck">Alarms published and not yet acknowledged by the center.</param>
/// <param name="LastAckLatency">Publish-to-ack time of the last acknowledged alarm; null before the first.</param>
/// <param name="DiskFreeBytes">Free space for the gateway on the data directory's filesystem; null if it cannot be read.</param>
/// <param name="CpuTemperatureC">SoC temperature; null where the board does not expose it.</param>
/// <param name="UnderVoltage">Supply under-voltage now; null where the board does not expose it.</param>
/// <param name="TestMode">Events (of the inputs under test) are marked as tests.</param>
public sealed record HealthSnapshot(
    string BootId,
    DateTimeOffset Timestamp,
    bool ClockSynced,
    TimeSpan Uptime,
    long LastSeq,
    LaneHealth Alarm,
    LaneHealth Event,
    LaneHealth Telemetry,
    OutboxDrops Dropped,
    string Broker,
    long Reconnects,
    int AwaitingAck,
    TimeSpan? LastAckLatency,
    long? DiskFreeBytes,
    double? CpuTemperatureC,
    bool? UnderVoltage,
    bool TestMode)
{
    /// <summary>School site id.</summary>
    public string SiteId { get; init; } = "";

    /// <summary>Gateway id within the site.</summary>
    public string GatewayId { get; init; } = "";

    /// <summary>The gateway's software version.</summary>
    public string Version { get; init; } = "";

    /// <summary>Whether the gateway has a session with a broker now.</summary>
    public bool Connected => Broker != "none";

    /// <summary>The center's last acknowledgement since start; null before the first.</summary>
    public AckReceipt? LastAck { get; init; }

    /// <summary>Since the input monitor loop last came round; null if it never did.</summary>
    public TimeSpan? InputLoopAge { get; init; }

    /// <summary>Outbox entries the broker would not take, set aside (in no lane's depth).</summary>
    public long SetAside { get; init; }

    /// <summary>Since the outbox forwarder loop last came round; null if it never did.</summary>
    public TimeSpan? ForwarderAge { get; init; }

    /// <summary>The center's test mode while it is on (since, until, inputs); null while off or under walk-test.</summary>
    public TestModeState? TestModeDetail { get; init; }

    /// <summary>Downlink input the gateway could not use, counted since start.</summary>
    public DownlinkCounts Downlink { get; init; } = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Every alarm input and when a test press last proved it (with the round trip to the center's ack).</summary>
    public IReadOnlyList<InputProof> Proven { get; init; } = [];

    /// <summary>Every supervised loop and optional part (status socket), by name: state, restarts, last error.</summary>
    public IReadOnlyList<LoopStatus> Loops { get; init; } = [];
}
