using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Tests.Support;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Health;

public sealed class HealthSnapshotBuilderTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero));
    private readonly DirectoryInfo _dataDirectory = Directory.CreateTempSubdirectory("health-test-");
    private readonly GatewayIdentity _identity;
    private readonly InMemoryOutboxStore _store;
    private readonly EventRecorder _recorder;
    private readonly CenterAcknowledgements _acks;
    private readonly BoardHealth _board = new();
    private readonly HealthSnapshotBuilder _sut;

    public HealthSnapshotBuilderTests()
    {
        _identity = TestIdentity.Create(_time);
        _store = new InMemoryOutboxStore(_identity);
        var clock = new FixedClockSync(true);
        _recorder = new EventRecorder(new OutboxWriter(_store, new UnwrittenEntries(), new OutboxSignal(), _identity, clock, _time, NullLogger<OutboxWriter>.Instance), _identity, clock, _time);
        _acks = new CenterAcknowledgements(_time, NullLogger<CenterAcknowledgements>.Instance, Options.Create(new AckOptions()));
        _sut = new HealthSnapshotBuilder(_store, _identity, new FixedClockSync(true), _board, _recorder, _acks, new LivenessRegistry(_time),
            Options.Create(new GatewayOptions { SiteId = "s", GatewayId = "g", DataDirectory = _dataDirectory.FullName }), _time);
    }

    [Fact]
    public void Build_Started_UptimeCountsFromTheBuildersCreation()
    {
        _time.Advance(TimeSpan.FromMinutes(61));

        var health = _sut.Build("primary", 0);

        Assert.Equal(TimeSpan.FromMinutes(61), health.Uptime);
        Assert.Equal(_time.GetUtcNow(), health.Timestamp);
        Assert.Equal(_identity.BootId, health.BootId);
        Assert.True(health.ClockSynced);
    }

    [Fact]
    public void Build_WaitingEntries_DepthAndOldestAgePerLane_NullForEmptyLanes()
    {
        _recorder.Record([new NewEvent("gate-door", EventKind.Door, EventState.Active, "")]);
        _time.Advance(TimeSpan.FromSeconds(2.5));
        _recorder.Record([new NewEvent("gym-door", EventKind.Door, EventState.Active, "")]);
        _time.Advance(TimeSpan.FromSeconds(10));

        var health = _sut.Build("primary", 0);

        Assert.Equal(new LaneHealth(2, TimeSpan.FromSeconds(12.5)), health.Event);
        Assert.Equal(new LaneHealth(0, null), health.Alarm);
        Assert.Equal(new LaneHealth(0, null), health.Telemetry);
        Assert.Equal(2, health.LastSeq);
    }

    [Fact]
    public void Build_OldestSent_AgeIsTheNextOldests()
    {
        var first = _recorder.Record([new NewEvent("gate-door", EventKind.Door, EventState.Active, "")]);
        _time.Advance(TimeSpan.FromSeconds(30));
        _recorder.Record([new NewEvent("gate-door", EventKind.Door, EventState.Restored, "")]);
        _time.Advance(TimeSpan.FromSeconds(5));
        _store.Remove(first);

        var health = _sut.Build("primary", 0);

        Assert.Equal(new LaneHealth(1, TimeSpan.FromSeconds(5)), health.Event);
        Assert.Equal(2, health.LastSeq);
    }

    [Fact]
    public void Build_ClockSteppedBack_OldestAgeIsZeroNotNegative()
    {
        // Accepted while the clock was an hour ahead (FakeTimeProvider cannot step back).
        _store.AppendNext([new EventDraft(Guid.NewGuid().ToString(), "office-panic", EventKind.Panic, EventState.Active, _time.GetUtcNow().AddHours(1), false, "")]);

        Assert.Equal(new LaneHealth(1, TimeSpan.Zero), _sut.Build("none", 0).Alarm);
    }

    [Fact]
    public void Build_UplinkAcksBoardAndTestMode_AreTakenFromTheirOwners()
    {
        var alarm = _recorder.Record([new NewEvent("office-panic", EventKind.Panic, EventState.Active, "")]).Single();
        var second = _recorder.Record([new NewEvent("hall-panic", EventKind.Panic, EventState.Active, "")]).Single();
        _acks.Published(alarm);
        _acks.Published(second);
        _time.Advance(TimeSpan.FromMilliseconds(312));
        _acks.OnAckMessage(System.Text.Encoding.UTF8.GetBytes($$"""{"id":"{{alarm.EventId}}","by":"op","ts":"2026-11-29T05:00:00.312Z"}"""));
        _board.Update(new BoardReading(48.3, UnderVoltage: false));
        _recorder.TestMode = true;

        var health = _sut.Build("secondary", 2);

        Assert.Equal(("secondary", 2L), (health.Broker, health.Reconnects));
        Assert.Equal(1, health.AwaitingAck);
        Assert.Equal(TimeSpan.FromMilliseconds(312), health.LastAckLatency);
        Assert.Equal((48.3, false), (health.CpuTemperatureC, health.UnderVoltage));
        Assert.True(health.TestMode);
    }

    [Fact]
    public void Build_BeforeAnyAckOrBoardReading_LatencyAndBoardValuesAreNull()
    {
        var health = _sut.Build("primary", 0);

        Assert.Null(health.LastAckLatency);
        Assert.Null(health.CpuTemperatureC);
        Assert.Null(health.UnderVoltage);
        Assert.Equal(0, health.AwaitingAck);
        Assert.False(health.TestMode);
        Assert.Equal(new OutboxDrops(0, 0), health.Dropped);
    }

    [Fact]
    public void Build_DiskFree_IsTheDataDirectorysFilesystem()
    {
        var health = _sut.Build("primary", 0);

        var expected = new DriveInfo(_dataDirectory.FullName).AvailableFreeSpace;
        Assert.NotNull(health.DiskFreeBytes);
        Assert.InRange(health.DiskFreeBytes.Value, 1, long.MaxValue);
        // Other processes write to the same disk meanwhile; a gigabyte is far beyond what a test run writes.
        Assert.InRange(health.DiskFreeBytes.Value, expected - (1L << 30), expected + (1L << 30));
    }

    [Fact]
    public void DiskFreeBytes_MissingDirectory_IsNull()
    {
        Assert.Null(HealthSnapshotBuilder.DiskFreeBytes(Path.Combine(_dataDirectory.FullName, "missing", "deeper")));
    }

    public void Dispose()
    {
        _store.Dispose();
        _dataDirectory.Delete(recursive: true);
    }
}
