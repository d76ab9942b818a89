using EdgeGateway.TestKit;

namespace EdgeGateway.Mqtt.Tests.Connection;

public sealed class MqttConnectionTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Connect_PublishesRetainedOnline_AndCleanStopPublishesOfflineShutdown()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        await harness.StartAsync();
        await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);

        // A subscriber arriving later still gets the retained status.
        await using (var late = new MqttRecorder(harness.Broker.Port, "late"))
        {
            await late.StartAsync();
            await GatewayProcess.WaitUntilAsync(() => late.On("/status").Any(), s_wait);
            var status = late.On("/status").Single();
            Assert.True(status.Retained);
            Assert.Equal("online", status.Json.GetProperty("state").GetString());
            Assert.Equal(harness.Identity.BootId, status.Json.GetProperty("boot").GetString());
        }

        await using var center = new MqttRecorder(harness.Broker.Port, "center");
        await center.StartAsync();
        await harness.StopAsync();

        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Json.GetProperty("state").GetString() == "offline"), s_wait);
        Assert.Equal("shutdown", center.On("/status").Last().Json.GetProperty("reason").GetString());
        Assert.DoesNotContain(harness.ConnectionLog.Collector.GetSnapshot(), r => r.Id.Id == 4003);
    }

    [Fact]
    public async Task BrokerDown_KeepsRetryingWithBackoff_UntilItReturns()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        await harness.StartAsync();
        await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);

        await harness.RestartBrokerAsync(() => GatewayProcess.WaitUntilAsync(
            () => harness.ConnectionLog.Collector.GetSnapshot().Count(r => r.Id.Id == 4002) >= 3, s_wait));

        await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);
        var delays = harness.ConnectionLog.Collector.GetSnapshot().Where(r => r.Id.Id == 4002).Select(r => r.StructuredState!.Single(p => p.Key == "DelayMs").Value).ToList();
        Assert.All(delays, d => Assert.InRange(long.Parse(d!, System.Globalization.CultureInfo.InvariantCulture), 0, 1000));
    }

    [Fact]
    public async Task SessionTakenOver_IsReportedAsAnUplinkFault_TheCenterSeesAfterTheReconnect()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        await harness.StartAsync();
        await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);
        await using var center = new MqttRecorder(harness.Broker.Port, "center");
        await center.StartAsync();

        // A second device with this gateway's client id: the broker ends the gateway's session (DISCONNECT 0x8E).
        using (var copy = new MQTTnet.MqttClientFactory().CreateMqttClient())
        {
            await copy.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", harness.Broker.Port)
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithClientId(harness.Identity.GatewayId).Build());
            await GatewayProcess.WaitUntilAsync(() => harness.ConnectionLog.Collector.GetSnapshot().Any(r => r.Id.Id == 4018), s_wait);
        }

        // The gateway takes its session back and the fault goes out on it.
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);
        // One fault event; QoS 1 may deliver it twice (a resend on the next session), with the same id the center dedups on.
        var faults = center.On("/alarm").DistinctBy(m => m.Json.GetProperty("id").GetString()).ToList();
        Assert.True(faults.Count == 1, string.Join("\n", faults.Select(m => m.Payload)));
        var fault = faults[0].Json;
        Assert.Equal("fault", fault.GetProperty("kind").GetString());
        Assert.Equal("uplink", fault.GetProperty("input").GetString());
        Assert.Equal("active", fault.GetProperty("state").GetString());
        Assert.Equal("session-taken-over", fault.GetProperty("detail").GetProperty("fault").GetString());
        Assert.Equal("primary", fault.GetProperty("detail").GetProperty("broker").GetString());
        Assert.Contains(harness.ConnectionLog.Collector.GetSnapshot(), r => r.Id.Id == 4003 && r.Message.Contains("SessionTakenOver", StringComparison.Ordinal));
    }
}
