using System.Collections.Concurrent;
using EdgeGateway.Core.Events;
using EdgeGateway.Mqtt.Uplink;
using EdgeGateway.TestKit;

namespace EdgeGateway.Mqtt.Tests.Uplink;

public sealed class AlarmReserveTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(8, 7)]
    [InlineData(32, 28)]
    [InlineData(1000, 875)]
    public void Backlog_LeavesAnEighthOfTheWindow_AtLeastOneSlot_ToAlarms(int window, int backlog) =>
        Assert.Equal(backlog, AlarmReserve.BacklogSlots(window));

    [Fact]
    public async Task AlarmAcceptedDuringADrain_IsPublishedAtOnce_WhileTheBacklogWaitsForItsPubacks()
    {
        // Keepalive 30 s: the PUBACK deadline (15 s) outlasts the waits below, so the held PUBACKs do not end the session.
        const int window = 8;
        await using var harness = await UplinkHarness.CreateAsync(inFlightWindow: window, throughProxy: true, keepAliveSeconds: 30);
        var atBroker = new ConcurrentQueue<string>();
        harness.Broker.Publishing += (client, message) =>
        {
            if (client == harness.Identity.GatewayId)
            {
                atBroker.Enqueue(message.Topic.Split('/')[^1]);
            }
        };
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await harness.StartAsync();
        await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);

        // The broker gets every publish, the gateway none of its PUBACKs: the backlog fills its part of the window.
        harness.Proxy!.HoldReplies();
        harness.Append([.. Enumerable.Repeat(EventKind.Door, 3 * window)]);
        harness.Signal.Notify();
        var backlogSlots = AlarmReserve.BacklogSlots(window);
        await GatewayProcess.WaitUntilAsync(() => atBroker.Count(t => t == "event") == backlogSlots, s_wait);

        var alarm = harness.Append(EventKind.Panic).Single();
        harness.Signal.Notify();
        await GatewayProcess.WaitUntilAsync(() => atBroker.Contains("alarm"), s_wait);
        Assert.Equal(backlogSlots, atBroker.Count(t => t == "event"));
        Assert.Equal(0, harness.Connection.Reconnects);

        harness.Proxy.Thaw();
        await GatewayProcess.WaitUntilAsync(() => harness.Store.Depth.Total == 0 && center.On("/event").Count() == 3 * window, s_wait);
        Assert.Equal(alarm.EventId, center.On("/alarm").Single().Json.GetProperty("id").GetString());
    }
}
