using EdgeGateway.Core.Events;
using EdgeGateway.TestKit;

namespace EdgeGateway.Mqtt.Tests.Uplink;

public sealed class OutboxForwarderTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Backlog_IsPublishedAlarmsFirst_AndRemovedAfterPuback()
    {
        await using var harness = await UplinkHarness.CreateAsync(inFlightWindow: 4);
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        harness.Append(EventKind.Door, EventKind.Generic, EventKind.Door, EventKind.Panic, EventKind.Door, EventKind.Smoke);

        await harness.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.Messages.Count(m => m.IsEvent) == 6, s_wait);

        var events = center.Messages.Where(m => m.IsEvent).ToList();
        Assert.Equal(["alarm", "alarm"], events.Take(2).Select(m => m.Topic.Split('/')[^1]));
        Assert.Equal([4L, 6L], events.Take(2).Select(m => m.Json.GetProperty("seq").GetInt64()));
        Assert.Equal([1L, 2L, 3L, 5L], events.Skip(2).Select(m => m.Json.GetProperty("seq").GetInt64()));
        Assert.All(events.Skip(2), m => Assert.Equal("campus/v1/s1/gw-test/event", m.Topic));
        await GatewayProcess.WaitUntilAsync(() => harness.Store.Depth.Total == 0, s_wait);
    }

    [Fact]
    public async Task EventAppendedWhileConnected_IsForwardedWhenSignalled()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await harness.StartAsync();
        await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);

        var entry = harness.Append(EventKind.Panic).Single();
        harness.Signal.Notify();

        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);
        Assert.Equal(entry.EventId, center.On("/alarm").Single().Json.GetProperty("id").GetString());
        Assert.Equal(entry.Payload, System.Text.Encoding.UTF8.GetBytes(center.On("/alarm").Single().Payload));
    }

    [Fact]
    public async Task BrokerRestart_EventsQueuedWhileDown_ArriveAfterReconnect()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        await harness.StartAsync();
        // The whole first session (CONNACK, subscribe, online status), not just CONNACK: otherwise the restart can
        // interrupt the first connect and the reconnect after it counts as the first connection.
        await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);

        await harness.RestartBrokerAsync(async () =>
        {
            // A stopped in-process broker may not close the socket: then the keepalive (5 s) has to notice.
            await GatewayProcess.WaitUntilAsync(() => !harness.Connection.IsConnected, TimeSpan.FromSeconds(40));
            harness.Append(EventKind.Intrusion, EventKind.Door);
            harness.Signal.Notify();
        });
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();

        await GatewayProcess.WaitUntilAsync(() => harness.Store.Depth.Total == 0, s_wait);
        Assert.True(harness.Connection.Reconnects >= 1, string.Join("\n", harness.ConnectionLog.Collector.GetSnapshot().Select(r => $"{r.Id.Id} {r.Message}")));
        Assert.Contains(harness.ConnectionLog.Collector.GetSnapshot(), r => r.Id.Id == 4003);
    }

    [Fact]
    public async Task AlarmWithNoSubscriber_StaysInTheOutbox_UntilACenterSubscribes_WhileEventsGo()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        await harness.StartAsync();
        harness.Append(EventKind.Panic, EventKind.Door);
        harness.Signal.Notify();

        // The broker answers "no matching subscribers": it dropped the alarm, so the gateway keeps it.
        await GatewayProcess.WaitUntilAsync(() => harness.ForwarderLog.Collector.GetSnapshot().Any(r => r.Id.Id == 4012), s_wait);
        Assert.Equal(1, harness.Store.Depth.Alarm);
        Assert.Equal(0, harness.Store.Depth.Event);

        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any() && harness.Store.Depth.Total == 0, s_wait);
        Assert.Empty(center.On("/event"));
    }
}
