using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Tests.Support;
using EdgeGateway.Core.Uplink;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Uplink;

public class StatusPayloadTests
{
    private readonly GatewayIdentity _identity = TestIdentity.Create(new FakeTimeProvider());

    [Fact]
    public void Online_Inputs_WritesStateBootVersionTsAndInputs()
    {
        // Arrange
        InputOptions[] inputs =
        [
            new() { Id = "office-panic", Pin = 17, Kind = EventKind.Panic, Location = "Main office" },
            new() { Id = "gym-door", Pin = 27, Kind = EventKind.Door, Location = "Gym" },
        ];
        var now = new DateTimeOffset(2026, 11, 29, 5, 13, 56, 789, TimeSpan.Zero);

        // Act
        using var json = JsonDocument.Parse(StatusPayload.Online(_identity, inputs, now));

        // Assert
        var root = json.RootElement;
        Assert.Equal(["state", "boot", "version", "dropped", "ts", "inputs"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("online", root.GetProperty("state").GetString());
        Assert.Equal(_identity.BootId, root.GetProperty("boot").GetString());
        Assert.Equal(GatewayIdentity.Version, root.GetProperty("version").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+$", root.GetProperty("version").GetString());
        Assert.Equal("2026-11-29T05:13:56.789Z", root.GetProperty("ts").GetString());
        var written = root.GetProperty("inputs").EnumerateArray()
            .Select(i => (i.GetProperty("id").GetString(), i.GetProperty("kind").GetString(), i.GetProperty("location").GetString()));
        Assert.Equal([("office-panic", "panic", "Main office"), ("gym-door", "door", "Gym")], written);
    }

    [Fact]
    public void Online_NoInputs_WritesEmptyArray()
    {
        // Arrange, Act
        using var json = JsonDocument.Parse(StatusPayload.Online(_identity, [], DateTimeOffset.UnixEpoch));

        // Assert
        Assert.Equal(0, json.RootElement.GetProperty("inputs").GetArrayLength());
    }

    [Fact]
    public void Online_OutboxDroppedEntries_ReportsTheCountsPerLane()
    {
        // Act
        using var json = JsonDocument.Parse(StatusPayload.Online(_identity, [], DateTimeOffset.UnixEpoch, new Outbox.OutboxDrops(Event: 3, Telemetry: 120)));

        // Assert
        var dropped = json.RootElement.GetProperty("dropped");
        Assert.Equal(3, dropped.GetProperty("event").GetInt64());
        Assert.Equal(120, dropped.GetProperty("telemetry").GetInt64());
    }

    [Theory]
    [InlineData("connection-lost")]
    [InlineData("shutdown")]
    public void Offline_Reason_WritesStateReasonAndBoot(string reason)
    {
        // Arrange, Act
        using var json = JsonDocument.Parse(StatusPayload.Offline(_identity, reason));

        // Assert
        var root = json.RootElement;
        Assert.Equal(["state", "reason", "boot"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("offline", root.GetProperty("state").GetString());
        Assert.Equal(reason, root.GetProperty("reason").GetString());
        Assert.Equal(_identity.BootId, root.GetProperty("boot").GetString());
    }

    [Fact]
    public void BootId_TwoStarts_Differ()
    {
        // Arrange
        var time = new FakeTimeProvider();

        // Act
        var first = TestIdentity.Create(time).BootId;
        var second = TestIdentity.Create(time).BootId;

        // Assert
        Assert.NotEqual(first, second);
    }
}
