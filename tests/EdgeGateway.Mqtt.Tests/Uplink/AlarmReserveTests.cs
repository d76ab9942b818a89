using System.Collections.Concurrent;
using EdgeGateway.Core.Events;
using EdgeGateway.Mqtt.Uplink;
using EdgeGateway.TestKit;
using MQTTnet;

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
        await using var drain = await HeldDrain.StartAsync();
        var harness = drain.Harness;

        var alarm = harness.Append(EventKind.Panic).Single();
        harness.Signal.Notify();
        await GatewayProcess.WaitUntilAsync(() => drain.AtBroker.Contains("alarm"), s_wait);
        Assert.Equal(AlarmReserve.BacklogSlots(HeldDrain.Window), drain.AtBroker.Count(t => t == "event"));
        Assert.Equal(0, harness.Connection.Reconnects);

        await drain.ThawAsync();
        Assert.Equal(alarm.EventId, drain.Center.On("/alarm").Single().Json.GetProperty("id").GetString());
    }

    [Fact]
    public async Task AlarmRecordedWhileTheForwarderIsStuckInAReadOfTheStore_IsPublishedByTheWriter_AndReachesTheCenterOnce()
    {
        await using var drain = await HeldDrain.StartAsync();
        var harness = drain.Harness;

        // The forwarder wakes and stalls reading the backlog (a slow card): it cannot send anything meanwhile.
        harness.Store.HoldReads();
        harness.Signal.Notify();
        Assert.True(harness.Store.ReadHeld.Wait(s_wait), "the forwarder did not read the store");
        var readsBefore = harness.Store.PendingReads;

        // Through the writer, as a press is: the appending thread publishes the alarm in the slot kept for alarms.
        var alarm = harness.Recorder.Record([new NewEvent("panic-hall", EventKind.Panic, EventState.Active, "hall")]).Single();
        await GatewayProcess.WaitUntilAsync(() => drain.AtBroker.Contains("alarm"), s_wait);
        Assert.Equal(readsBefore, drain.ReadsWhenTheAlarmArrived);

        // The read that returns after it finds the alarm in flight: the center gets it once, and the whole backlog.
        harness.Store.ReleaseReads();
        await drain.ThawAsync();
        Assert.Equal(alarm.EventId, drain.Center.On("/alarm").Single().Json.GetProperty("id").GetString());
        Assert.Equal(1, drain.AtBroker.Count(t => t == "alarm"));
    }

    [Fact]
    public async Task AlarmsRecordedWhileTheWindowIsFull_WaitForASlot_AndEachReachesTheCenterOnce()
    {
        await using var drain = await HeldDrain.StartAsync();
        var harness = drain.Harness;

        // The first takes the one slot left (the alarms' reserve); the others find the window full and wait for the loop.
        var alarms = Enumerable.Range(0, 3)
            .Select(i => harness.Recorder.Record([new NewEvent($"panic-{i}", EventKind.Panic, EventState.Active, "hall")]).Single())
            .ToList();
        await GatewayProcess.WaitUntilAsync(() => drain.AtBroker.Contains("alarm"), s_wait);

        await drain.ThawAsync();
        await GatewayProcess.WaitUntilAsync(() => drain.Center.On("/alarm").Count() >= alarms.Count, s_wait);
        Assert.Equal(
            alarms.Select(a => a.EventId).Order(StringComparer.Ordinal),
            drain.Center.On("/alarm").Select(m => m.Json.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(HeldDrain.Window, drain.PublishedBeforeThaw);
    }

    [Fact]
    public async Task AlarmHandedOverAfterAReadOfTheStoreFoundIt_IsNotPublishedTwice()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        var alarmsAtBroker = new ConcurrentQueue<string>();
        harness.Broker.Publishing += (client, message) =>
        {
            if (client == harness.Identity.GatewayId && message.Topic.EndsWith("/alarm", StringComparison.Ordinal))
            {
                alarmsAtBroker.Enqueue(message.ConvertPayloadToString());
            }
        };
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await harness.StartAsync();
        await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);

        // Read from the store and delivered, then handed over late (an append whose wake came after a read).
        var first = harness.Append(EventKind.Panic).Single();
        harness.Signal.Notify();
        await GatewayProcess.WaitUntilAsync(() => harness.Store.Depth.Total == 0, s_wait);
        harness.Signal.Notify([first]);

        // A later alarm goes out after the hand-over was taken: had the first been sent again, it would be there by now.
        var second = harness.Append(EventKind.Panic).Single();
        harness.Signal.Notify();
        await GatewayProcess.WaitUntilAsync(() => alarmsAtBroker.Any(p => p.Contains(second.EventId, StringComparison.Ordinal)), s_wait);
        Assert.Single(alarmsAtBroker, p => p.Contains(first.EventId, StringComparison.Ordinal));
    }

    /// <summary>
    /// A drain whose PUBACKs are held: the broker gets every publish, the gateway none of its PUBACKs, so the backlog
    /// fills its part of the window and stays there until <see cref="ThawAsync"/>.
    /// </summary>
    private sealed class HeldDrain : IAsyncDisposable
    {
        public const int Window = 8;

        private HeldDrain(UplinkHarness harness, MqttRecorder center)
        {
            Harness = harness;
            Center = center;
            harness.Broker.Publishing += (client, message) =>
            {
                if (client != harness.Identity.GatewayId)
                {
                    return;
                }

                var leaf = message.Topic.Split('/')[^1];
                if (leaf == "alarm")
                {
                    ReadsWhenTheAlarmArrived = harness.Store.PendingReads;
                }

                AtBroker.Enqueue(leaf);
            };
        }

        public UplinkHarness Harness { get; }

        public MqttRecorder Center { get; }

        /// <summary>The topic leaf of every publish the broker got from the gateway, in order.</summary>
        public ConcurrentQueue<string> AtBroker { get; } = new();

        /// <summary>The store's read count when the broker got an alarm.</summary>
        public int ReadsWhenTheAlarmArrived { get; private set; } = -1;

        /// <summary>The outbox entries the broker had from the gateway when the PUBACKs were let through: those in flight.</summary>
        public int PublishedBeforeThaw { get; private set; }

        public static async Task<HeldDrain> StartAsync()
        {
            // Keepalive 30 s: the PUBACK deadline (15 s) outlasts the waits, so the held PUBACKs do not end the session.
            var harness = await UplinkHarness.CreateAsync(inFlightWindow: Window, throughProxy: true, keepAliveSeconds: 30);
            var drain = new HeldDrain(harness, new MqttRecorder(harness.Broker.Port));
            await drain.Center.StartAsync();
            await harness.StartAsync();
            await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);

            harness.Proxy!.HoldReplies();
            harness.Append([.. Enumerable.Repeat(EventKind.Door, 3 * Window)]);
            harness.Signal.Notify();
            await GatewayProcess.WaitUntilAsync(() => drain.AtBroker.Count(t => t == "event") == AlarmReserve.BacklogSlots(Window), s_wait);
            return drain;
        }

        /// <summary>Lets the PUBACKs through and waits until the center has the whole backlog and the outbox is empty.</summary>
        public async Task ThawAsync()
        {
            PublishedBeforeThaw = AtBroker.Count(leaf => leaf is "event" or "alarm");
            Harness.Proxy!.Thaw();
            await GatewayProcess.WaitUntilAsync(() => Harness.Store.Depth.Total == 0 && Center.On("/event").Count() == 3 * Window, s_wait);
        }

        public async ValueTask DisposeAsync()
        {
            await Center.DisposeAsync();
            await Harness.DisposeAsync();
        }
    }
}
