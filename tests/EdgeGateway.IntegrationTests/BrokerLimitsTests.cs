using System.Diagnostics;
using System.Text.Json;
using EdgeGateway.TestKit;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// "Nothing in the field can wedge the alarm path", the uplink part: the gateway as a process against a real Mosquitto
/// with small limits (max_packet_size, max_inflight_messages). A poison message is set aside, never retried at the head
/// of its lane; the gateway always comes online.
/// </summary>
public sealed class BrokerLimitsTests(ITestOutputHelper output)
{
    private const int MaxPacketSize = 1024;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AlarmTooLargeForTheBroker_ArrivesReduced_TheEventsBehindItArrive_SetAsideIsReportedAndCounted()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoLimits(MaxPacketSize: MaxPacketSize));
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        var longLocation = string.Concat(Enumerable.Repeat("Main office, building A, second floor, room 214; ", 40));
        var directory = Directory.CreateTempSubdirectory("edge-gateway-test-").FullName;
        var config = GatewayProcess.SimulatedConfig(directory, broker.Port,
        [
            Gateway.Input("office-panic", 17, "panic", location: longLocation),
            Gateway.Input("hall-panic", 18, "panic", location: "Hall"),
            Gateway.Input("hall-door", 22, "door", location: "Hall"),
        ]);
        config["Health"] = new Dictionary<string, object> { ["IntervalSeconds"] = 5 };
        await using var gateway = new GatewayProcess(directory, config, Gateway.EntryAssembly);
        await gateway.StartAsync();

        // Online although the full status (every input's location) is larger than the broker takes.
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Json.GetProperty("state").GetString() == "online"), s_wait);
        var online = center.On("/status").First(m => m.Json.GetProperty("state").GetString() == "online").Json;
        Assert.True(online.GetProperty("reduced").GetBoolean());
        Assert.Equal(0, online.GetProperty("inputs").GetArrayLength());

        // The poison alarm first, then an alarm and an event behind it.
        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        var pressed = Stopwatch.StartNew();
        Assert.Equal("ok", await gateway.SimAsync("set 18 low"));
        Assert.Equal("ok", await gateway.SimAsync("set 22 low"));
        await GatewayProcess.WaitUntilAsync(() => Alarms(center, "hall-panic").Any(), s_wait);
        var nextAlarmLatency = pressed.Elapsed;
        await GatewayProcess.WaitUntilAsync(() => center.On("/event").Any(m => m.Json.GetProperty("input").GetString() == "hall-door"), s_wait);

        // The poison alarm arrives reduced (no location), and the set-aside is reported once.
        await GatewayProcess.WaitUntilAsync(() => Alarms(center, "office-panic").Any(), s_wait);
        var reduced = Alarms(center, "office-panic").First();
        Assert.True(reduced.GetProperty("reduced").GetBoolean());
        Assert.False(reduced.TryGetProperty("location", out _));
        Assert.Equal("panic", reduced.GetProperty("kind").GetString());
        await GatewayProcess.WaitUntilAsync(() => SetAsideFaults(center).Any(), s_wait);
        var fault = SetAsideFaults(center).Single().GetProperty("detail");
        Assert.Equal(reduced.GetProperty("id").GetString(), fault.GetProperty("id").GetString());
        Assert.Equal(reduced.GetProperty("seq").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), fault.GetProperty("seq").GetString());
        Assert.Equal("PacketTooLarge", fault.GetProperty("reason").GetString());

        // Health counts it, and the session never dropped (Mosquitto disconnects on an oversized packet).
        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Any(m => m.Json.GetProperty("setAside").GetInt64() == 1), s_wait);
        var health = center.On("/health").Last(m => m.Json.GetProperty("setAside").GetInt64() == 1).Json;
        Assert.Equal(0, health.GetProperty("reconnects").GetInt64());
        Assert.Equal(0, health.GetProperty("outbox").GetProperty("alarm").GetProperty("depth").GetInt64());
        Assert.DoesNotContain("exceeded", broker.Log, StringComparison.OrdinalIgnoreCase);
        center.Contract.AssertNoViolations();
        output.WriteLine($"max_packet_size {MaxPacketSize}: set aside {health.GetProperty("setAside").GetInt64()}; next alarm behind the poison one arrived {nextAlarmLatency.TotalMilliseconds:0} ms after its press");
    }

    [Fact]
    public async Task ReducedAlarmTheCenterNeverAcks_IsRepublishedReduced_WithoutADisconnect()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoLimits(MaxPacketSize: MaxPacketSize));
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        var longLocation = string.Concat(Enumerable.Repeat("Main office, building A, second floor, room 214; ", 40));
        var directory = Directory.CreateTempSubdirectory("edge-gateway-test-").FullName;
        var config = GatewayProcess.SimulatedConfig(directory, broker.Port, [Gateway.Input("office-panic", 17, "panic", location: longLocation)]);
        config["Health"] = new Dictionary<string, object> { ["IntervalSeconds"] = 5 };
        config["Acks"] = new Dictionary<string, object> { ["TimeoutSeconds"] = 2 };
        await using var gateway = new GatewayProcess(directory, config, Gateway.EntryAssembly);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Json.GetProperty("state").GetString() == "online"), s_wait);

        // Nobody acks: after Acks:TimeoutSeconds the republisher sends the alarm again, reduced as at its first send.
        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => Alarms(center, "office-panic").Count() >= 2, s_wait);
        var sent = Alarms(center, "office-panic").ToList();
        Assert.Single(sent.Select(a => a.GetProperty("id").GetString()).Distinct());
        Assert.All(sent, a => Assert.True(a.GetProperty("reduced").GetBoolean()));

        // The oversized full entry was never sent: Mosquitto would have disconnected the gateway.
        var healthSoFar = center.On("/health").Count();
        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Count() > healthSoFar, s_wait);
        Assert.Equal(0, center.On("/health").Last().Json.GetProperty("reconnects").GetInt64());
        Assert.DoesNotContain("exceeded", broker.Log, StringComparison.OrdinalIgnoreCase);
        center.Contract.AssertNoViolations();
    }

    [Fact]
    public async Task WindowLargerThanTheBrokersReceiveMaximum_BacklogArrivesWithoutADisconnect()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoLimits(MaxInflightMessages: 2));
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        // Mqtt:InFlightWindow stays at its default of 32, far above the broker's 2.
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("hall-door", 22, "door")]);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(), s_wait);

        await broker.StopAsync();
        for (var press = 0; press < 50; press++)
        {
            var before = gateway.AcceptedEvents().Count;
            await gateway.SimAsync(press % 2 == 0 ? "set 22 low" : "set 22 high");
            await GatewayProcess.WaitUntilAsync(() => gateway.AcceptedEvents().Count > before, s_wait);
        }

        var drain = Stopwatch.StartNew();
        await broker.StartAgainAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/event").Select(m => m.Json.GetProperty("id").GetString()).Distinct().Count() >= 50, s_wait);
        output.WriteLine($"50 events drained through a Receive Maximum of 2 in {drain.Elapsed.TotalMilliseconds:0} ms (from the broker's restart)");

        // One connect after the restart, none for a protocol error.
        Assert.Equal(2, center.On("/status").Count(m => m.Json.GetProperty("state").GetString() == "online"));
        Assert.DoesNotContain("protocol error", broker.Log, StringComparison.OrdinalIgnoreCase);
        center.Contract.AssertNoViolations();
    }

    private static IEnumerable<JsonElement> Alarms(MqttRecorder center, string input) =>
        center.On("/alarm").Select(m => m.Json).Where(j => j.GetProperty("input").GetString() == input);

    private static IEnumerable<JsonElement> SetAsideFaults(MqttRecorder center) =>
        Alarms(center, "uplink").Where(j => j.TryGetProperty("detail", out var detail) && detail.GetProperty("fault").GetString() == "set-aside");
}
