using System.Text;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.Core.Tests.Health;

public sealed class HealthPayloadTests
{
    private static readonly HealthSnapshot s_example = new(
        "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        new DateTimeOffset(2026, 11, 29, 5, 37, 41, 746, TimeSpan.Zero),
        ClockSynced: true,
        Uptime: TimeSpan.FromSeconds(3600.9),
        LastSeq: 42,
        Alarm: new LaneHealth(0, null),
        Event: new LaneHealth(3, TimeSpan.FromMilliseconds(12_512)),
        Telemetry: new LaneHealth(0, null),
        Dropped: new OutboxDrops(1, 7),
        Broker: "primary",
        Reconnects: 2,
        AwaitingAck: 0,
        LastAckLatency: TimeSpan.FromMilliseconds(312.6),
        DiskFreeBytes: 123_456_789,
        CpuTemperatureC: 48.312,
        UnderVoltage: false,
        TestMode: false);

    [Fact]
    public void Serialize_WithAlarmInputs_SaysWhenEachWasLastProven()
    {
        var health = s_example with
        {
            Proven = [new InputProof("office-panic", new DateTimeOffset(2026, 11, 29, 5, 31, 2, 120, TimeSpan.Zero), 412), new InputProof("gym-smoke", null, null)],
        };

        var json = Encoding.UTF8.GetString(HealthPayload.Serialize(health));

        // As in the example of docs/mqtt-contract.md.
        Assert.Contains("""
            ,"proven":{"office-panic":{"at":"2026-11-29T05:31:02.120Z","roundTripMs":412},"gym-smoke":{"at":null,"roundTripMs":null}}
            """, json, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_Example_IsTheContractShape()
    {
        var json = Encoding.UTF8.GetString(HealthPayload.Serialize(s_example));

        // The example in docs/mqtt-contract.md, in the same order.
        var expected = """
            {"v":1,"boot":"0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","ts":"2026-11-29T05:37:41.746Z","synced":true,"uptimeSeconds":3600,"lastSeq":42,
            "outbox":{"alarm":{"depth":0,"oldestAgeSeconds":null},"event":{"depth":3,"oldestAgeSeconds":12.5},"telemetry":{"depth":0,"oldestAgeSeconds":null}},
            "dropped":{"event":1,"telemetry":7},"setAside":0,"broker":"primary","reconnects":2,"awaitingAck":0,"lastAckLatencyMs":312,
            "diskFreeBytes":123456789,"cpuTemperatureC":48.3,"underVoltage":false,"testMode":false,
            "testModeSince":null,"testModeUntil":null,"testModeInputs":null,"testModeReleased":[],
            "downlink":{"unknownAcks":0,"malformedAcks":0,"unknownCommands":0,"malformedCommands":0,"retainedCommands":0,"foreignResponseTopics":0,"droppedCommands":0}}
            """.ReplaceLineEndings("");
        Assert.Equal(expected, json);
    }

    [Fact]
    public void Serialize_UnknownValues_AreNull()
    {
        var health = s_example with { LastAckLatency = null, DiskFreeBytes = null, CpuTemperatureC = null, UnderVoltage = null, TestMode = true, Broker = "none" };

        var json = Encoding.UTF8.GetString(HealthPayload.Serialize(health));

        Assert.Contains("""
            ,"lastAckLatencyMs":null,"diskFreeBytes":null,"cpuTemperatureC":null,"underVoltage":null,"testMode":true,
            """, json, StringComparison.Ordinal);
        Assert.Contains(""","broker":"none",""", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_TestModeOn_SaysSinceUntilAndTheInputsUnderTest()
    {
        var since = new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero);
        var health = s_example with
        {
            TestMode = true,
            TestModeDetail = new(since, since.AddHours(2), new HashSet<string> { "office-panic", "gym-panic" }, new HashSet<string> { "gym-panic" }),
            Downlink = new(1, 2, 3, 4, 5, 6, 7),
        };

        var json = Encoding.UTF8.GetString(HealthPayload.Serialize(health));

        Assert.Contains("""
            "testMode":true,"testModeSince":"2026-11-29T05:00:00.000Z","testModeUntil":"2026-11-29T07:00:00.000Z","testModeInputs":["gym-panic","office-panic"],"testModeReleased":["gym-panic"],
            """, json, StringComparison.Ordinal);
        Assert.Contains("""
            "downlink":{"unknownAcks":1,"malformedAcks":2,"unknownCommands":3,"malformedCommands":4,"retainedCommands":5,"foreignResponseTopics":6,"droppedCommands":7}
            """, json, StringComparison.Ordinal);
    }
}
