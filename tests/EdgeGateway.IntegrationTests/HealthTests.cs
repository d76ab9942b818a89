using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>The gateway process publishes retained health through a real Mosquitto.</summary>
public sealed class HealthTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AfterAPress_HealthCarriesItsSeq_AndTheAlarmAwaitingTheCentersAck()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        var directory = Directory.CreateTempSubdirectory("edge-gateway-test-").FullName;
        var config = GatewayProcess.SimulatedConfig(directory, broker.Port, [Gateway.Input("office-panic", 17, "panic")]);
        // The shortest interval allowed, so the test sees health messages after the connect one.
        config["Health"] = new Dictionary<string, object> { ["IntervalSeconds"] = 5 };
        await using var gateway = new GatewayProcess(directory, config, Gateway.EntryAssembly);

        await gateway.StartAsync();
        // Published right at the connect, not an interval later.
        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Any(), s_wait);
        Assert.Equal("campus/v1/test-school/gw1/health", center.On("/health").First().Topic);

        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);
        var alarm = center.On("/alarm").Single().Json;
        var seq = alarm.GetProperty("seq").GetInt64();

        // The next health after the alarm's PUBACK: its seq, an empty alarm lane, one alarm waiting for the center.
        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Any(m => m.Json.GetProperty("lastSeq").GetInt64() == seq
            && m.Json.GetProperty("outbox").GetProperty("alarm").GetProperty("depth").GetInt64() == 0), s_wait);
        var health = center.On("/health").First(m => m.Json.GetProperty("lastSeq").GetInt64() == seq
            && m.Json.GetProperty("outbox").GetProperty("alarm").GetProperty("depth").GetInt64() == 0).Json;
        Assert.Equal(1, health.GetProperty("v").GetInt32());
        Assert.Equal(alarm.GetProperty("boot").GetString(), health.GetProperty("boot").GetString());
        Assert.Equal(1, health.GetProperty("awaitingAck").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, health.GetProperty("lastAckLatencyMs").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, health.GetProperty("outbox").GetProperty("alarm").GetProperty("oldestAgeSeconds").ValueKind);
        Assert.Equal("primary", health.GetProperty("broker").GetString());
        Assert.True(health.GetProperty("diskFreeBytes").GetInt64() > 0);
        Assert.False(health.GetProperty("testMode").GetBoolean());

        // The center acknowledges: the next health has nothing awaiting and a latency.
        await center.PublishAsync("campus/v1/test-school/gw1/ack", $$"""{"id":"{{alarm.GetProperty("id").GetString()}}","by":"operator","ts":"2026-11-29T05:00:00.000Z"}""");
        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Any(m => m.Json.GetProperty("awaitingAck").GetInt32() == 0
            && m.Json.GetProperty("lastAckLatencyMs").ValueKind == System.Text.Json.JsonValueKind.Number), s_wait);

        // Retained: a center that connects now gets the latest health at once.
        await using var late = new MqttRecorder(broker.Port, "late-center", "campus/v1/+/+/health");
        await late.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => late.On("/health").Any(), s_wait);
        Assert.True(late.On("/health").First().Retained);
    }
}
