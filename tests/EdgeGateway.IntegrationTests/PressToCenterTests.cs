using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>A press on the sim socket reaches a plain MQTT subscriber through a real Mosquitto.</summary>
public sealed class PressToCenterTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PanicPress_ReachesSubscriberAsAlarm_WithStatusOnline()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port,
        [
            Gateway.Input("office-panic", 17, "panic", location: "Main office, building A"),
            Gateway.Input("gate-door", 27, "door", contact: "NC"),
        ]);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Json.GetProperty("state").GetString() == "online"), s_wait);

        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);

        var alarm = center.On("/alarm").Single().Json;
        Assert.Equal("campus/v1/test-school/gw1/alarm", center.On("/alarm").Single().Topic);
        Assert.Equal(1, alarm.GetProperty("v").GetInt32());
        Assert.Equal("office-panic", alarm.GetProperty("input").GetString());
        Assert.Equal("panic", alarm.GetProperty("kind").GetString());
        Assert.Equal("active", alarm.GetProperty("state").GetString());
        Assert.Equal("Main office, building A", alarm.GetProperty("location").GetString());
        Assert.Equal("test-school", alarm.GetProperty("site").GetString());
        Assert.Equal("gw1", alarm.GetProperty("gateway").GetString());
        Assert.True(alarm.GetProperty("seq").GetInt64() >= 1);
        Assert.True(Guid.TryParse(alarm.GetProperty("id").GetString(), out _));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", alarm.GetProperty("ts").GetString());
        var status = center.On("/status").Last(m => m.Json.GetProperty("state").GetString() == "online").Json;
        Assert.Equal(alarm.GetProperty("boot").GetString(), status.GetProperty("boot").GetString());

        // The NC door contact opens (line goes high): an ordinary event on the event topic.
        Assert.Equal("ok", await gateway.SimAsync("set 27 high"));
        await GatewayProcess.WaitUntilAsync(() => center.On("/event").Any(), s_wait);
        Assert.Equal("gate-door", center.On("/event").Single().Json.GetProperty("input").GetString());
        Assert.Equal("high", await gateway.SimAsync("get 27"));
    }

    [Fact]
    public async Task CleanStop_SaysOfflineShutdown_AndKill_LeavesWillConnectionLost()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("office-panic", 17, "panic")], keepAliveSeconds: 2);

        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Payload.Contains("online", StringComparison.Ordinal)), s_wait);
        await gateway.StopAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Payload.Contains("shutdown", StringComparison.Ordinal)), s_wait);
        Assert.Equal(0, gateway.ExitCode);

        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Count(m => m.Payload.Contains("online", StringComparison.Ordinal)) >= 2, s_wait);
        await gateway.KillAsync();
        // Mosquitto notices the dead client within 1.5 x keepalive and publishes its retained will.
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Payload.Contains("connection-lost", StringComparison.Ordinal)), s_wait);
    }

    [Fact]
    public async Task EventsPressedWhileBrokerIsDown_ArriveAfterItReturns()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("hall-door", 22, "door")]);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(), s_wait);

        await broker.StopAsync();
        for (var i = 0; i < 5; i++)
        {
            await gateway.SimAsync("set 22 low");
            await GatewayProcess.WaitUntilAsync(() => gateway.AcceptedEvents().Count == (2 * i) + 1, s_wait);
            await gateway.SimAsync("set 22 high");
            await GatewayProcess.WaitUntilAsync(() => gateway.AcceptedEvents().Count == (2 * i) + 2, s_wait);
        }

        await broker.StartAgainAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/event").Select(m => m.Json.GetProperty("id").GetString()).Distinct().Count() == 10, s_wait);
        var seqs = center.On("/event").Select(m => m.Json.GetProperty("seq").GetInt64()).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), seqs);
    }
}
