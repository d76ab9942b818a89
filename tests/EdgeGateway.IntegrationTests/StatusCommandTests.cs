using System.Runtime.Versioning;
using System.Text.Json;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Sockets;
using EdgeGateway.Host;
using EdgeGateway.Host.Cli;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary><c>edge-gateway status</c> reads the running gateway process's state from its status socket.</summary>
public sealed class StatusCommandTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Status_OfARunningGateway_ShowsConnection_Outbox_LastAck_AndHealth()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("office-panic", 17, "panic")]);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Payload.Contains("online", StringComparison.Ordinal)), s_wait);
        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);
        var alarmId = center.On("/alarm").Single().Json.GetProperty("id").GetString()!;
        await center.PublishAsync("campus/v1/test-school/gw1/ack", JsonSerializer.Serialize(new { id = alarmId, by = "operator-7", ts = "2026-11-29T06:00:00.000Z" }));
        await gateway.WaitForOutputAsync("Center acknowledged", s_wait);

        var table = new StringWriter();
        var raw = new StringWriter();
        var exit = await StatusCommand.RunAsync(gateway.ConfigFile, json: false, table, new StringWriter(), CancellationToken.None);
        Assert.Equal(0, await StatusCommand.RunAsync(gateway.ConfigFile, json: true, raw, new StringWriter(), CancellationToken.None));

        Assert.Equal(0, exit);
        var status = JsonSerializer.Deserialize<HealthSnapshot>(raw.ToString(), StatusJson.Options)!;
        Assert.True(status.Connected);
        Assert.Equal(0, status.Alarm.Depth + status.Event.Depth);
        Assert.Equal(alarmId, status.LastAck!.Id);
        Assert.Equal("operator-7", status.LastAck.By);
        Assert.InRange(status.InputLoopAge!.Value.TotalSeconds, 0, 5);
        Assert.Contains("connection   connected", table.ToString(), StringComparison.Ordinal);
        Assert.Contains($"last: {alarmId} by operator-7", table.ToString(), StringComparison.Ordinal);
        Assert.Contains(table.ToString().Split('\n'), l => l.StartsWith("loop         input-monitor", StringComparison.Ordinal) && l.Contains("running", StringComparison.Ordinal));
        Assert.Equal(status.Loops.Count, table.ToString().Split('\n').Count(l => l.StartsWith("loop ", StringComparison.Ordinal)));

        // Both local sockets of the running process are owner-only.
        Assert.Equal(LineSocketServer.SocketMode, File.GetUnixFileMode(Path.Combine(gateway.Directory, "data", StatusSocket.FileName)));
        Assert.Equal(LineSocketServer.SocketMode, File.GetUnixFileMode(gateway.SocketPath));

        // A clean stop closes the socket without failing the host.
        await gateway.StopAsync();
        Assert.Equal(0, gateway.ExitCode);
        Assert.DoesNotContain("BackgroundService failed", gateway.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(gateway.Directory, "data", StatusSocket.FileName)));
    }

    [Fact]
    public async Task Status_NoGatewayRunning_Exit69_SaysWhere()
    {
        await using var gateway = Gateway.Create(FreePort.Next(), [Gateway.Input("office-panic", 17, "panic")]);
        var error = new StringWriter();

        var exit = await StatusCommand.RunAsync(gateway.ConfigFile, json: false, new StringWriter(), error, CancellationToken.None);

        Assert.Equal(StatusCommand.Unavailable, exit);
        Assert.Contains("status.sock", error.ToString(), StringComparison.Ordinal);
    }
}
