using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Tests.Rigs;

namespace EdgeGateway.Core.Tests.Events;

public sealed class OutboxEntryKindsTests
{
    private readonly RecorderRig _rig = new();

    [Fact]
    public void Create_InputEventWithoutDetail_KeepsTheV1ShapeExactly()
    {
        var entry = OutboxEntry.Create(Draft(EventKind.Panic), 42, _rig.Identity);

        using var json = JsonDocument.Parse(entry.Payload);
        Assert.Equal(
            ["v", "id", "seq", "boot", "site", "gateway", "input", "kind", "state", "ts", "synced", "location"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Create_Fault_GoesToTheAlarmTopicWithItsDetail()
    {
        var entry = OutboxEntry.Create(Draft(EventKind.Fault) with { Detail = new Dictionary<string, string> { ["fault"] = "sensor" } }, 7, _rig.Identity);

        using var json = JsonDocument.Parse(entry.Payload);
        Assert.Equal(("alarm", Lane.Alarm), (entry.TopicLeaf, entry.Lane));
        Assert.Equal("fault", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal("sensor", json.RootElement.GetProperty("detail").GetProperty("fault").GetString());
    }

    [Fact]
    public void Create_Temperature_IsAnAlarm()
    {
        var entry = OutboxEntry.Create(Draft(EventKind.Temperature), 7, _rig.Identity);

        Assert.Equal(("alarm", Lane.Alarm), (entry.TopicLeaf, entry.Lane));
    }

    [Fact]
    public void Create_Telemetry_GoesToTheTelemetryTopicInItsOwnShape()
    {
        var draft = Draft(EventKind.Telemetry) with { Telemetry = new TelemetrySample("sht3x", new SensorReadings(4.256, 61.04)) };

        var entry = OutboxEntry.Create(draft, 9, _rig.Identity);

        Assert.Equal(("telemetry", Lane.Telemetry), (entry.TopicLeaf, entry.Lane));
        using var json = JsonDocument.Parse(entry.Payload);
        var root = json.RootElement;
        Assert.Equal(
            ["v", "id", "seq", "boot", "site", "gateway", "sensor", "type", "readings", "ts", "synced"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("cold-room", "sht3x", 9L), (root.GetProperty("sensor").GetString(), root.GetProperty("type").GetString(), root.GetProperty("seq").GetInt64()));
        Assert.Equal("{\"temperatureC\":4.26,\"humidityPct\":61.04}", root.GetProperty("readings").GetRawText());
    }

    [Fact]
    public void TelemetryPayload_DraftWithoutSample_Throws()
    {
        Assert.Throws<ArgumentException>(() => TelemetryPayload.Serialize(Draft(EventKind.Telemetry), 1, _rig.Identity));
    }

    private static EventDraft Draft(EventKind kind) => new(
        "0193a0e0-0000-7000-8000-000000000001", "cold-room", kind, EventState.Active,
        new DateTimeOffset(2026, 11, 29, 5, 13, 56, 123, TimeSpan.Zero), true, "Canteen cold room");
}
