using EdgeGateway.Core.Events;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>The center's commands through a real Mosquitto to the gateway process, and what they change.</summary>
public sealed class CenterCommandTests
{
    private const string CommandTopic = "campus/v1/test-school/gw1/cmd";
    private const string ResultTopic = "campus/v1/test-school/gw1/cmd/result";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    /// <summary>As edge-center sends commands: with a message expiry (this machine's clock counts as unsynchronised).</summary>
    private const uint Expiry = 120;

    [Fact]
    public async Task Reset_LatchedPanic_RestoreArrives()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = await StartGatewayAsync(broker, center, Gateway.Input("office-panic", 17, "panic"));

        // The panic is pressed and let go: it stays latched (no restore).
        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => Alarms(center).Any(), s_wait);
        Assert.Equal("ok", await gateway.SimAsync("set 17 high"));

        await center.PublishAsync(CommandTopic, Command("reset-1", "reset", "\"input\":\"office-panic\""), retain: false, Expiry);

        await GatewayProcess.WaitUntilAsync(() => Alarms(center).Any(a => a.GetProperty("state").GetString() == "restored"), s_wait);
        // The result and the restore travel separately (command listener, forwarder): either may arrive first.
        await GatewayProcess.WaitUntilAsync(() => center.Messages.Any(m => m.Topic == ResultTopic), s_wait);
        var result = center.Messages.Single(m => m.Topic == ResultTopic).Json;
        Assert.Equal("reset-1", result.GetProperty("id").GetString());
        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.Equal("office-panic", result.GetProperty("detail").GetProperty("active").GetString());
        Assert.Equal(["active", "restored"], Alarms(center).Select(a => a.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task TestMode_MarksPresses_UntilItsTimeout()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = await StartGatewayAsync(broker, center, Gateway.Input("hall-motion", 17, "intrusion"));

        await center.PublishAsync(CommandTopic, Command("test-1", "test-mode", "\"on\":true,\"timeoutSeconds\":2"), retain: false, Expiry);
        await GatewayProcess.WaitUntilAsync(() => center.Messages.Any(m => m.Topic == ResultTopic), s_wait);
        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => Alarms(center).Any(), s_wait);
        Assert.Equal("ok", await gateway.SimAsync("set 17 high"));
        await GatewayProcess.WaitUntilAsync(() => Alarms(center).Count() == 2, s_wait);

        await gateway.WaitForOutputAsync("Test mode off: its time is up", s_wait);
        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => Alarms(center).Count() == 3, s_wait);

        var result = center.Messages.Single(m => m.Topic == ResultTopic).Json;
        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.True(result.GetProperty("detail").GetProperty("testMode").GetBoolean());
        var test = Alarms(center).Select(a => a.TryGetProperty("test", out var flag) && flag.GetBoolean()).ToList();
        Assert.Equal([true, true, false], test);
    }

    /// <summary>
    /// Issue 13's reproduction: a retained, day-old <c>test-mode on</c> (no message expiry) waits on the broker; the
    /// gateway starts with its clock unsynchronised, and a real panic pressed afterwards must not go out as a test.
    /// </summary>
    [Fact]
    public async Task RetainedDayOldTestModeOn_IsIgnored_ARealPanicIsReal()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        var dayOld = EventPayload.FormatTimestamp(TimeProvider.System.GetUtcNow().AddDays(-1));
        await center.PublishAsync(CommandTopic, $$"""{"id":"old-test","command":"test-mode","ts":"{{dayOld}}","on":true,"timeoutSeconds":3600}""", retain: true, expirySeconds: 0);
        await using var gateway = await StartGatewayAsync(broker, center, Gateway.Input("office-panic", 17, "panic"));
        // Before the fix the command ran ("Test mode on"); now it is ignored and said so. Either way it has been handled.
        await GatewayProcess.WaitUntilAsync(() => gateway.Output.Contains("Retained command old-test test-mode", StringComparison.Ordinal) || gateway.Output.Contains("Test mode on", StringComparison.Ordinal), s_wait);

        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => Alarms(center).Any(), s_wait);

        var alarm = Alarms(center).Single();
        Assert.False(alarm.TryGetProperty("test", out _), $"the panic went out as a test: {alarm}");
        Assert.Contains("Retained command old-test test-mode", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(center.Messages, m => m.Topic.StartsWith(ResultTopic, StringComparison.Ordinal) && m.Payload.Contains("old-test", StringComparison.Ordinal));
        Assert.DoesNotContain("Test mode on", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestMode_IsNotRestoredAfterARestart()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = await StartGatewayAsync(broker, center, Gateway.Input("office-panic", 17, "panic"));
        await center.PublishAsync(CommandTopic, Command("test-2", "test-mode", "\"on\":true"), retain: false, Expiry);
        await GatewayProcess.WaitUntilAsync(() => center.Messages.Any(m => m.Topic == ResultTopic), s_wait);

        await gateway.KillAsync();
        var onlineBefore = center.On("/status").Count(m => m.Json.GetProperty("state").GetString() == "online");
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Count(m => m.Json.GetProperty("state").GetString() == "online") > onlineBefore, s_wait);
        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => Alarms(center).Any(), s_wait);

        Assert.True(center.Messages.Single(m => m.Topic == ResultTopic).Json.GetProperty("ok").GetBoolean());
        Assert.False(Alarms(center).Single().TryGetProperty("test", out _));
    }

    /// <summary>Alarms of the input on pin 17 (not the gateway's own faults).</summary>
    private static IEnumerable<System.Text.Json.JsonElement> Alarms(MqttRecorder center) =>
        center.On("/alarm").Select(m => m.Json).Where(a => a.GetProperty("input").GetString() is "office-panic" or "hall-motion");

    private static string Command(string id, string command, string arguments) =>
        $$"""{"id":"{{id}}","command":"{{command}}","ts":"{{EventPayload.FormatTimestamp(TimeProvider.System.GetUtcNow())}}",{{arguments}}}""";

    private static async Task<GatewayProcess> StartGatewayAsync(MosquittoBroker broker, MqttRecorder center, object input)
    {
        var gateway = Gateway.Create(broker.Port, [input]);
        try
        {
            await gateway.StartAsync();
            await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Json.GetProperty("state").GetString() == "online"), s_wait);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }
}
