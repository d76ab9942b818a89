using System.Buffers;
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
    public async Task AlarmSentReduced_NotAcked_IsRepublishedReducedAgain_NeverInFull()
    {
        await using var harness = await UplinkHarness.CreateAsync(ackTimeoutSeconds: AckTimeoutSeconds);
        var fullRefused = 0;
        harness.Broker.Answer = message =>
        {
            // The full alarm is refused for what it is (its location); its reduced form carries no location.
            if (System.Text.Encoding.UTF8.GetString(message.Payload.ToArray()).Contains("\"location\":\"poison\"", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref fullRefused);
                return MQTTnet.Protocol.MqttPubAckReasonCode.NotAuthorized;
            }

            return null;
        };
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await harness.StartAsync();
        var alarm = harness.AppendAt(EventKind.Panic, "poison");
        harness.Signal.Notify();

        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Count(m => m.Json.GetProperty("id").GetString() == alarm.EventId) >= 2, s_wait);

        var received = center.On("/alarm").Select(m => m.Json).Where(j => j.GetProperty("id").GetString() == alarm.EventId).ToList();
        Assert.All(received, j => Assert.True(j.GetProperty("reduced").GetBoolean()));
        Assert.All(received, j => Assert.False(j.TryGetProperty("location", out _)));
        Assert.Equal(AlarmAckState.Published, harness.Acknowledgements.StateOf(alarm.EventId));
        Assert.True(Volatile.Read(ref fullRefused) >= 2, "the republish tried the full alarm first, as the first send did");
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
