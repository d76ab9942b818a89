using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// The center loop as the guard sees it, through a real Mosquitto and the gateway process: an alarm nobody
/// acknowledges is published again and then escalated locally; the center's ack steadies the status LED.
/// Output levels are read through the sim socket (<c>get</c>, <c>writes</c>).
/// </summary>
public sealed class GuardFeedbackTests
{
    private const int PanicPin = 17;
    private const int LedPin = 5;
    private const int SounderPin = 6;
    private const int RelayPin = 13;

    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NoAck_SameIdAgainAfterTimeout_ThenEscalation_AckSteadiesTheLed()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Create(broker.Port, ackTimeoutSeconds: 2);
        await StartOnlineAsync(gateway, center);

        // Driven off at start: an output never opened would read high (the simulator's idle input level).
        Assert.Equal("low", await gateway.SimAsync($"get {SounderPin}"));
        Assert.Equal("low", await gateway.SimAsync($"get {RelayPin}"));

        var first = await PressPanicAsync(gateway, center);
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Count() >= 2, s_wait);
        var republishedAfter = TimeProvider.System.GetElapsedTime(first);

        var alarms = center.On("/alarm").ToList();
        Assert.Equal(alarms[0].Payload, alarms[1].Payload);
        Assert.True(republishedAfter >= TimeSpan.FromSeconds(1.8), $"republished after {republishedAfter}");

        await WaitForLevelAsync(gateway, RelayPin, "high");
        Assert.Equal("high", await gateway.SimAsync($"get {SounderPin}"));
        await gateway.WaitForOutputAsync("local escalation", s_wait);

        await AckAsync(center, alarms[0]);

        await SimulatedLed.WaitForSteadyAsync(gateway, LedPin, s_wait);
        Assert.Equal("low", await gateway.SimAsync($"get {RelayPin}"));
        Assert.Equal("low", await gateway.SimAsync($"get {SounderPin}"));
        Assert.Equal(2, center.On("/alarm").Count());
    }

    [Fact]
    public async Task AckRoundTrip_LedWaitsThenShowsAcknowledged()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Create(broker.Port, ackTimeoutSeconds: 20);
        await StartOnlineAsync(gateway, center);

        await PressPanicAsync(gateway, center);

        await AckAsync(center, center.On("/alarm").Single());

        await SimulatedLed.WaitForSteadyAsync(gateway, LedPin, s_wait);
        await gateway.WaitForOutputAsync("acknowledged by the center (steady)", s_wait);
        Assert.Single(center.On("/alarm"));
        Assert.Equal("low", await gateway.SimAsync($"get {RelayPin}"));
    }

    [Fact]
    public void CheckConfig_BadOutputs_NameTheirKeys()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("edge-gateway-config-").FullName, "config.json");
        File.WriteAllText(file, """
            {
              "Gateway": { "SiteId": "s1", "GatewayId": "gw1", "DataDirectory": "/tmp/x" },
              "Mqtt": { "Host": "127.0.0.1", "UseTls": false },
              "Gpio": { "Driver": "simulated" },
              "Acks": { "TimeoutSeconds": 0 },
              "Inputs": [ { "Id": "office-panic", "Pin": 17, "Kind": "panic" } ],
              "Outputs": [
                { "Id": "status-led", "Pin": 17, "Role": "StatusLed" },
                { "Id": "buzzer", "Pin": 6, "Role": "Buzzer" },
                { "Id": "relay", "Pin": 13, "Role": "Escalation", "ActivLow": true }
              ]
            }
            """);
        var error = new StringWriter();

        var exit = Host.Cli.CheckConfigCommand.Run(file, new StringWriter(), error);

        Assert.Equal(78, exit);
        var text = error.ToString();
        Assert.Contains("Outputs:0:Pin: GPIO 17 of output 'status-led' is already used by input 'office-panic' (Inputs:0)", text, StringComparison.Ordinal);
        Assert.Contains("Outputs:1:Role", text, StringComparison.Ordinal);
        Assert.Contains("Outputs:2:ActivLow: unknown key; did you mean Outputs:2:ActiveLow?", text, StringComparison.Ordinal);
        Assert.Contains("Acks:TimeoutSeconds: 0 is outside 1-600", text, StringComparison.Ordinal);
    }

    private static async Task StartOnlineAsync(GatewayProcess gateway, MqttRecorder center)
    {
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Json.GetProperty("state").GetString() == "online"), s_wait);
    }

    /// <summary>
    /// Presses the panic button, waits for the alarm at the center, and sees the LED blink fast meanwhile. Returns
    /// when (<see cref="TimeProvider.GetTimestamp"/>) the button was pressed.
    /// </summary>
    private static async Task<long> PressPanicAsync(GatewayProcess gateway, MqttRecorder center)
    {
        // Taken before the press: the gateway's ack timeout runs from its send, which a loaded machine may delay by
        // hundreds of ms after the press, so timing from the alarm's arrival understated when the republish was due.
        var pressed = TimeProvider.System.GetTimestamp();
        Assert.Equal("ok", await gateway.SimAsync($"set {PanicPin} low"));
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);
        Assert.True(await SimulatedLed.WritesWithinAsync(gateway, LedPin, TimeSpan.FromSeconds(1)) >= 3, "the LED does not blink fast while waiting");
        return pressed;
    }

    private static Task AckAsync(MqttRecorder center, ReceivedMessage alarm) => center.PublishAsync(
        "campus/v1/test-school/gw1/ack",
        $$"""{"id":"{{alarm.Json.GetProperty("id").GetString()}}","by":"operator-7","ts":"2026-11-29T05:00:00.000Z"}""");

    private static GatewayProcess Create(int brokerPort, int ackTimeoutSeconds)
    {
        object[] inputs = [Gateway.Input("office-panic", PanicPin, "panic")];
        var gateway = Gateway.Create(brokerPort, inputs);
        var config = GatewayProcess.SimulatedConfig(gateway.Directory, brokerPort, inputs);
        config["Acks"] = new Dictionary<string, object> { ["TimeoutSeconds"] = ackTimeoutSeconds, ["AckedIndicationSeconds"] = 60 };
        config["Outputs"] = new object[]
        {
            new { Id = "status-led", Pin = LedPin, Role = "StatusLed" },
            new { Id = "buzzer", Pin = SounderPin, Role = "Sounder" },
            new { Id = "relay", Pin = RelayPin, Role = "Escalation" },
        };
        gateway.WriteConfig(config);
        return gateway;
    }

    private static async Task WaitForLevelAsync(GatewayProcess gateway, int pin, string level)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (await gateway.SimAsync($"get {pin}") != level)
        {
            if (TimeProvider.System.GetElapsedTime(start) > s_wait)
            {
                throw new TimeoutException($"GPIO {pin} not {level} within {s_wait}:\n{gateway.Output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }
}
