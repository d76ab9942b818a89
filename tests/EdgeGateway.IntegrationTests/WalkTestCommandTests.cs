using System.Text.Json;
using EdgeGateway.Host.Cli;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary><c>edge-gateway walk-test</c> with simulated GPIO against a real Mosquitto and a center subscriber.</summary>
public sealed class WalkTestCommandTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task WalkTest_OneOfTwoInputsPressed_ReportsTheOtherNeverSeen_EventsMarkedTest_Exit1()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("office-panic", 17, "panic", location: "Main office"), Gateway.Input("gate-door", 27, "door", contact: "NC")]);
        var reportFile = Path.Combine(gateway.Directory, "report.json");
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();

        var walkTest = WalkTestCommand.RunAsync(gateway.ConfigFile, reportFile, TimeSpan.FromMinutes(5), TextWriter.Synchronized(output), stop.Token);
        await GatewayProcess.WaitUntilAsync(() => File.Exists(gateway.SocketPath), s_wait);
        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);
        Assert.Equal("ok", await gateway.SimAsync("set 17 high"));
        // The walk test resets the latch, so the panic input restores once released.
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Count() >= 2, s_wait);
        await stop.CancelAsync();
        var exit = await walkTest;

        Assert.Equal(WalkTestCommand.Incomplete, exit);
        Assert.All(center.On("/alarm"), m => Assert.True(m.Json.GetProperty("test").GetBoolean()));
        Assert.Equal(["active", "restored"], center.On("/alarm").Select(m => m.Json.GetProperty("state").GetString()));
        var report = JsonSerializer.Deserialize<WalkTestReport>(await File.ReadAllTextAsync(reportFile), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.False(report.Complete);
        Assert.Equal([true, false], report.Inputs.Select(i => i.Proven));
        Assert.Contains("never seen: gate-door", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("NEVER SEEN", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WalkTest_EveryInputTriggered_EndsByItself_Exit0()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("office-panic", 17, "panic"), Gateway.Input("gate-door", 27, "door", contact: "NC")]);
        var output = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var walkTest = WalkTestCommand.RunAsync(gateway.ConfigFile, Path.Combine(gateway.Directory, "report.json"), TimeSpan.FromMinutes(5), TextWriter.Synchronized(output), timeout.Token);
        await GatewayProcess.WaitUntilAsync(() => File.Exists(gateway.SocketPath), s_wait);
        Assert.Equal("ok", await gateway.SimAsync("set 27 high"));
        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        var exit = await walkTest;

        Assert.Equal(0, exit);
        Assert.Contains("every input proven", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("all inputs proven", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WalkTest_WhileTheServiceRuns_Refuses_Exit75()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("office-panic", 17, "panic")]);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => File.Exists(Path.Combine(gateway.Directory, "data", Host.StatusSocket.FileName)), s_wait);
        var output = new StringWriter();

        var exit = await WalkTestCommand.RunAsync(gateway.ConfigFile, null, TimeSpan.FromMinutes(1), output, CancellationToken.None);

        Assert.Equal(WalkTestCommand.ServiceRunning, exit);
        Assert.Contains("systemctl stop edge-gateway", output.ToString(), StringComparison.Ordinal);
    }
}
