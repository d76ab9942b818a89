using System.Text.Json;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.TestKit;
using MQTTnet.Protocol;

namespace EdgeGateway.Mqtt.Tests.Connection;

/// <summary>
/// A broker that refuses a downlink subscription (a SUBACK failure code) end to end, through the in-process broker's
/// refusal hook (Mosquitto 2.0 grants a subscription its ACL denies): the center sees a <c>subscribe</c> fault with the
/// reason, alarms still go up meanwhile, and the subscription is retried on the live session until it is granted.
/// </summary>
public sealed class SubscriptionRefusalTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RefusedAckSubscription_IsAFault_AlarmsStillArrive_RetriedUntilGranted_ThenRestored()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        var refusing = 1;
        var asked = 0;
        harness.Broker.SubscriptionAnswer = filter =>
        {
            if (filter != harness.Topics.Ack)
            {
                return null;
            }

            Interlocked.Increment(ref asked);
            return Volatile.Read(ref refusing) == 1 ? MqttSubscribeReasonCode.NotAuthorized : null;
        };
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await harness.StartAsync();

        // The uplink works although the downlink is refused: an alarm pressed now reaches the center.
        var alarm = harness.Append(EventKind.Panic).Single();
        harness.Signal.Notify();
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(m => m.Json.GetProperty("id").GetString() == alarm.EventId), s_wait);

        await GatewayProcess.WaitUntilAsync(() => SubscribeFaults(center, "active").Any(), s_wait);
        var fault = SubscribeFaults(center, "active").Single().GetProperty("detail");
        Assert.Equal(harness.Topics.Ack, fault.GetProperty("topic").GetString());
        Assert.Equal("NotAuthorized", fault.GetProperty("reason").GetString());
        Assert.Equal("primary", fault.GetProperty("broker").GetString());

        // Retried on the same session (every keepalive), reported once.
        await GatewayProcess.WaitUntilAsync(() => Volatile.Read(ref asked) >= 3, s_wait);
        Assert.Equal(0, harness.Connection.Reconnects);
        Assert.Single(SubscribeFaults(center, "active"));

        // Granted at last: the fault is restored and the center's ack now reaches the gateway.
        Volatile.Write(ref refusing, 0);
        await GatewayProcess.WaitUntilAsync(() => SubscribeFaults(center, "restored").Any(), s_wait);
        Assert.Equal(harness.Topics.Ack, SubscribeFaults(center, "restored").Single().GetProperty("detail").GetProperty("topic").GetString());
        await center.PublishAsync(harness.Topics.Ack, $$"""{"id":"{{alarm.EventId}}","by":"operator-7","ts":"2026-11-29T05:00:00.000Z"}""");
        await GatewayProcess.WaitUntilAsync(() => harness.Acknowledgements.StateOf(alarm.EventId) == AlarmAckState.Acknowledged, s_wait);
        Assert.Single(SubscribeFaults(center, "active"));
    }

    private static IEnumerable<JsonElement> SubscribeFaults(MqttRecorder center, string state) => center.On("/alarm").Select(m => m.Json)
        .Where(j => j.GetProperty("input").GetString() == "uplink" && j.GetProperty("state").GetString() == state
            && j.TryGetProperty("detail", out var detail) && detail.GetProperty("fault").GetString() == "subscribe");
}
