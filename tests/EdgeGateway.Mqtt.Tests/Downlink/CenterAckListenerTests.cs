using EdgeGateway.Core.Events;
using EdgeGateway.TestKit;

namespace EdgeGateway.Mqtt.Tests.Downlink;

public sealed class CenterAckListenerTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task CenterAck_ForPublishedAlarm_ReachesTheGateway()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        var acknowledged = new TaskCompletionSource<(string Id, string By)>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Acknowledgements.Acknowledged += (id, by, _) => acknowledged.TrySetResult((id, by));
        await harness.StartAsync();
        var alarm = harness.Append(EventKind.Panic).Single();
        harness.Signal.Notify();
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);

        await center.PublishAsync(harness.Topics.Ack, $$"""{"id":"{{alarm.EventId}}","by":"operator-7","ts":"2026-11-29T05:00:00.000Z"}""");

        var (id, by) = await acknowledged.Task.WaitAsync(s_wait);
        Assert.Equal(alarm.EventId, id);
        Assert.Equal("operator-7", by);
        Assert.Equal(0, harness.Acknowledgements.Outstanding);
    }

    [Fact]
    public async Task MalformedAck_IsIgnored_AndTheConnectionStays()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await harness.StartAsync();
        await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);

        await center.PublishAsync(harness.Topics.Ack, "{not json");
        await center.PublishAsync(harness.Topics.Ack, "[1,2,3]");
        var alarm = harness.Append(EventKind.Panic).Single();
        harness.Signal.Notify();

        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);
        Assert.True(harness.Connection.IsConnected);
        Assert.Equal(1, harness.Acknowledgements.Outstanding);
        Assert.Equal(alarm.EventId, center.On("/alarm").Single().Json.GetProperty("id").GetString());
    }
}
