using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.TestKit;

namespace EdgeGateway.Mqtt.Tests.Downlink;

/// <summary>An alarm nobody acknowledges is published again, same id and bytes, through a real broker.</summary>
public sealed class AlarmRepublisherTests
{
    private const int AckTimeoutSeconds = 1;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task NoAck_TheSameAlarmArrivesAgain_AndNothingMoreOnceAcked()
    {
        await using var harness = await UplinkHarness.CreateAsync(ackTimeoutSeconds: AckTimeoutSeconds);
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await harness.StartAsync();
        var alarm = harness.Append(EventKind.Panic).Single();
        harness.Signal.Notify();

        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Count() >= 2, s_wait);
        await center.PublishAsync(harness.Topics.Ack, $$"""{"id":"{{alarm.EventId}}","by":"operator-7","ts":"2026-11-29T05:00:00.000Z"}""");
        await GatewayProcess.WaitUntilAsync(() => harness.Acknowledgements.StateOf(alarm.EventId) == AlarmAckState.Acknowledged, s_wait);
        await Task.Delay(TimeSpan.FromSeconds(AckTimeoutSeconds * 3), TimeProvider.System);

        var received = center.On("/alarm").ToList();
        Assert.Equal(2, received.Count);
        Assert.All(received, m => Assert.Equal(harness.Topics.For("alarm"), m.Topic));
        Assert.All(received, m => Assert.Equal(System.Text.Encoding.UTF8.GetString(alarm.Payload), m.Payload));
        Assert.Equal(0, harness.Acknowledgements.Summary.Escalated);
    }

    [Fact]
    public async Task AckedInTime_IsNeverPublishedAgain()
    {
        await using var harness = await UplinkHarness.CreateAsync(ackTimeoutSeconds: AckTimeoutSeconds);
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        center.Received += m =>
        {
            if (m.Topic.EndsWith("/alarm", StringComparison.Ordinal))
            {
                _ = center.PublishAsync(harness.Topics.Ack, $$"""{"id":"{{m.Json.GetProperty("id").GetString()}}","by":"auto"}""");
            }
        };
        await harness.StartAsync();
        var alarm = harness.Append(EventKind.Panic).Single();
        harness.Signal.Notify();

        await GatewayProcess.WaitUntilAsync(() => harness.Acknowledgements.StateOf(alarm.EventId) == AlarmAckState.Acknowledged, s_wait);
        await Task.Delay(TimeSpan.FromSeconds(AckTimeoutSeconds * 3), TimeProvider.System);

        Assert.Single(center.On("/alarm"));
    }

    [Fact]
    public async Task RepublishDueWhileThePathIsDown_GoesOutOnReconnect()
    {
        await using var harness = await UplinkHarness.CreateAsync(ackTimeoutSeconds: AckTimeoutSeconds);
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await harness.StartAsync();
        var alarm = harness.Append(EventKind.Panic).Single();
        harness.Signal.Notify();
        await GatewayProcess.WaitUntilAsync(() => harness.Acknowledgements.StateOf(alarm.EventId) == AlarmAckState.Published, s_wait);

        await harness.RestartBrokerAsync(() => GatewayProcess.WaitUntilAsync(() => harness.Acknowledgements.DueForRepublish().Count == 1, s_wait));

        // Cleared only by the new broker's PUBACK of the republish (the center may not have subscribed yet).
        await GatewayProcess.WaitUntilAsync(() => harness.Acknowledgements.DueForRepublish().Count == 0, s_wait);
        Assert.Equal(AlarmAckState.Published, harness.Acknowledgements.StateOf(alarm.EventId));
    }
}
