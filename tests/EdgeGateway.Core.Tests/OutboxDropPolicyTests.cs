using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.Core.Tests;

public class OutboxDropPolicyTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Choose_OverTheLimit_DropsOldestTelemetryThenOldestEvents_NeverAlarms()
    {
        var lanes = Lanes(alarm: [1, 2], @event: [3, 4], telemetry: [5]);

        var chosen = Choose(new OutboxOptions { MaxEntries = 2, TelemetryTtlHours = 0 }, lanes);

        Assert.Equal([(Lane.Telemetry, 5L), (Lane.Event, 3L), (Lane.Event, 4L)], chosen);
    }

    [Fact]
    public void Choose_OnlyAlarms_GrowsPastTheLimit()
    {
        var lanes = Lanes(alarm: [1, 2, 3], @event: [], telemetry: []);

        Assert.Empty(Choose(new OutboxOptions { MaxEntries = 1 }, lanes));
    }

    [Fact]
    public void Choose_ExpiredTelemetry_IsDroppedUnderTheLimitToo_AndNotChosenTwiceOverIt()
    {
        var expired = s_now.AddHours(-25).ToUnixTimeMilliseconds();
        var fresh = s_now.ToUnixTimeMilliseconds();
        var acceptedAt = new Dictionary<long, long> { [1] = expired, [2] = expired, [3] = fresh, [4] = fresh };
        var lanes = Lanes(alarm: [], @event: [], telemetry: [1, 2, 3, 4]);

        var underLimit = OutboxDropPolicy.Choose(new OutboxOptions { TelemetryTtlHours = 24 }, Depth(lanes), s_now, lane => lanes[lane], seq => acceptedAt[seq]);
        var overLimit = OutboxDropPolicy.Choose(new OutboxOptions { MaxEntries = 1, TelemetryTtlHours = 24 }, Depth(lanes), s_now, lane => lanes[lane], seq => acceptedAt[seq]);

        Assert.Equal([(Lane.Telemetry, 1L), (Lane.Telemetry, 2L)], underLimit);
        Assert.Equal([(Lane.Telemetry, 1L), (Lane.Telemetry, 2L), (Lane.Telemetry, 3L)], overLimit);
    }

    private static IReadOnlyList<(Lane Lane, long Entry)> Choose(OutboxOptions limits, Dictionary<Lane, long[]> lanes) =>
        OutboxDropPolicy.Choose(limits, Depth(lanes), s_now, lane => lanes[lane], _ => s_now.ToUnixTimeMilliseconds());

    private static Dictionary<Lane, long[]> Lanes(long[] alarm, long[] @event, long[] telemetry) =>
        new() { [Lane.Alarm] = alarm, [Lane.Event] = @event, [Lane.Telemetry] = telemetry };

    private static OutboxDepth Depth(Dictionary<Lane, long[]> lanes) =>
        new(lanes[Lane.Alarm].Length, lanes[Lane.Event].Length, lanes[Lane.Telemetry].Length);
}
