using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Tests.Support;
using EdgeGateway.Core.Uplink;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Events;

public class EventPayloadTests
{
    private readonly GatewayIdentity _identity = TestIdentity.Create(new FakeTimeProvider());

    [Fact]
    public void Serialize_ActivePanic_WritesV1FieldsInOrder()
    {
        // Arrange
        var draft = Draft(EventKind.Panic, EventState.Active);

        // Act
        using var json = JsonDocument.Parse(EventPayload.Serialize(draft, 42, _identity));

        // Assert
        var root = json.RootElement;
        Assert.Equal(
            ["v", "id", "seq", "boot", "site", "gateway", "input", "kind", "state", "ts", "synced", "location"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, root.GetProperty("v").GetInt32());
        Assert.Equal(draft.Id, root.GetProperty("id").GetString());
        Assert.Equal(42, root.GetProperty("seq").GetInt64());
        Assert.Equal(_identity.BootId, root.GetProperty("boot").GetString());
        Assert.Equal("north-campus", root.GetProperty("site").GetString());
        Assert.Equal("gw-01", root.GetProperty("gateway").GetString());
        Assert.Equal("office-panic", root.GetProperty("input").GetString());
        Assert.Equal("panic", root.GetProperty("kind").GetString());
        Assert.Equal("active", root.GetProperty("state").GetString());
        Assert.Equal("2026-11-28T21:13:56.123Z", root.GetProperty("ts").GetString());
        Assert.True(root.GetProperty("synced").GetBoolean());
        Assert.Equal("Main office, desk 2", root.GetProperty("location").GetString());
    }

    [Fact]
    public void Serialize_RestoredUnsynced_WritesRestoredAndSyncedFalse()
    {
        // Arrange
        var draft = Draft(EventKind.Door, EventState.Restored) with { ClockSynced = false };

        // Act
        using var json = JsonDocument.Parse(EventPayload.Serialize(draft, 7, _identity));

        // Assert
        Assert.Equal("restored", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("door", json.RootElement.GetProperty("kind").GetString());
        Assert.False(json.RootElement.GetProperty("synced").GetBoolean());
    }

    [Fact]
    public void Serialize_NonAsciiLocation_RoundTrips()
    {
        // Arrange
        var draft = Draft(EventKind.Panic, EventState.Active) with { Location = "教学楼 \"A\" 3F" };

        // Act
        using var json = JsonDocument.Parse(EventPayload.Serialize(draft, 1, _identity));

        // Assert
        Assert.Equal("教学楼 \"A\" 3F", json.RootElement.GetProperty("location").GetString());
    }

    [Theory]
    [InlineData(0, "2026-11-29T05:13:56.000Z")]
    [InlineData(8, "2026-11-28T21:13:56.000Z")]
    [InlineData(-5, "2026-11-29T10:13:56.000Z")]
    public void FormatTimestamp_AnyOffset_WritesUtcWithMillisecondsAndZ(int offsetHours, string expected)
    {
        // Arrange
        var timestamp = new DateTimeOffset(2026, 11, 29, 5, 13, 56, TimeSpan.FromHours(offsetHours));

        // Act
        var formatted = EventPayload.FormatTimestamp(timestamp);

        // Assert
        Assert.Equal(expected, formatted);
    }

    [Fact]
    public void FormatTimestamp_SubMillisecondTicks_TruncatesToMilliseconds()
    {
        // Arrange
        var timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).AddTicks(9_999);

        // Act
        var formatted = EventPayload.FormatTimestamp(timestamp);

        // Assert
        Assert.Equal("2026-01-02T03:04:05.678Z", formatted);
    }

    [Theory]
    [InlineData(EventKind.Panic, Lane.Alarm, "alarm", "panic")]
    [InlineData(EventKind.Smoke, Lane.Alarm, "alarm", "smoke")]
    [InlineData(EventKind.Intrusion, Lane.Alarm, "alarm", "intrusion")]
    [InlineData(EventKind.Tamper, Lane.Alarm, "alarm", "tamper")]
    [InlineData(EventKind.Door, Lane.Event, "event", "door")]
    [InlineData(EventKind.Generic, Lane.Event, "event", "generic")]
    public void Create_Kind_MapsToLaneTopicAndKindName(EventKind kind, Lane lane, string topicLeaf, string kindName)
    {
        // Arrange
        var draft = Draft(kind, EventState.Active);
        var topics = new TopicScheme(_identity);

        // Act
        var entry = OutboxEntry.Create(draft, 3, _identity);

        // Assert
        Assert.Equal(lane, LaneRules.LaneOf(kind));
        Assert.Equal(lane, entry.Lane);
        Assert.Equal(topicLeaf, entry.TopicLeaf);
        Assert.Equal($"campus/v1/north-campus/gw-01/{topicLeaf}", topics.For(entry.TopicLeaf));
        Assert.Equal(kindName, EventPayload.KindName(kind));
        Assert.Equal(3, entry.Seq);
        Assert.Equal(draft.Id, entry.EventId);
        Assert.Equal(EventPayload.Serialize(draft, 3, _identity), entry.Payload);
    }

    private static EventDraft Draft(EventKind kind, EventState state) => new(
        "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        "office-panic",
        kind,
        state,
        new DateTimeOffset(2026, 11, 29, 5, 13, 56, 123, TimeSpan.FromHours(8)),
        true,
        "Main office, desk 2");
}
