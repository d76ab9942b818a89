using System.Diagnostics;
using System.Text;
using EdgeGateway.Core.Sockets;
using EdgeGateway.Host;
using EdgeGateway.TestKit;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary>Nothing optional stands in the alarm path's way: the gateway comes online and reports what is missing.</summary>
public sealed class AlarmPathIndependenceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StatusSocketPathTooLong_GatewayStillComesOnline_DeliversAPress_AndReportsTheSocketInHealth()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("office-panic", 17, "panic")]);
        var config = GatewayProcess.SimulatedConfig(gateway.Directory, broker.Port, [Gateway.Input("office-panic", 17, "panic")]);
        var longDataDirectory = Path.Combine(gateway.Directory, new string('d', 60), new string('e', 60));
        GatewayProcess.Section(config, "Gateway")["DataDirectory"] = longDataDirectory;
        // The simulator's socket stays where the test drives it from; only the status socket gets the long path.
        GatewayProcess.Section(config, "Gpio")["SimSocket"] = gateway.SocketPath;
        gateway.WriteConfig(config);
        var statusSocketBytes = Encoding.UTF8.GetByteCount(StatusSocket.PathFor(longDataDirectory));
        Assert.True(statusSocketBytes > LineSocketServer.MaxPathBytes + 1, $"{statusSocketBytes} bytes");

        var started = Stopwatch.StartNew();
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Payload.Contains("\"online\"", StringComparison.Ordinal)), s_wait);
        var online = started.Elapsed;
        var pressed = Stopwatch.StartNew();
        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(m => m.Json.GetProperty("input").GetString() == "office-panic"), s_wait);
        var delivered = pressed.Elapsed;
        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Any(), s_wait);

        output.WriteLine($"status socket path {statusSocketBytes} bytes; online {online.TotalMilliseconds:0} ms after start; press to center {delivered.TotalMilliseconds:0} ms");
        var socket = center.On("/health").Last().Json.GetProperty("loops").GetProperty(StatusSocket.PartName);
        Assert.Equal("unavailable", socket.GetProperty("state").GetString());
        Assert.Contains($"{statusSocketBytes} bytes long", socket.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("status-socket unavailable", gateway.Output, StringComparison.Ordinal);
        Assert.InRange(online, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        Assert.InRange(delivered, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        Assert.Null(gateway.ExitCode);
        center.Contract.AssertNoViolations();
    }

    [Fact]
    public async Task LibgpiodNotInstalled_GatewayComesOnline_PublishesTheInputsFault_RetriesAndDoesNotExit()
    {
        if (File.Exists("/dev/gpiochip0"))
        {
            output.WriteLine("not run: needs a machine without GPIO, and this one has /dev/gpiochip0");
            return;
        }

        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("office-panic", 17, "panic")]);
        var config = GatewayProcess.SimulatedConfig(gateway.Directory, broker.Port, [Gateway.Input("office-panic", 17, "panic")]);
        GatewayProcess.Section(config, "Gpio")["Driver"] = "libgpiod";
        gateway.WriteConfig(config);

        var started = Stopwatch.StartNew();
        await gateway.StartAsync(["run", "--config", gateway.ConfigFile], waitForSocket: false);
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Payload.Contains("\"online\"", StringComparison.Ordinal)), s_wait);
        var online = started.Elapsed;
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(m => m.Json.GetProperty("input").GetString() == "gpio"), s_wait);
        var faultSeen = started.Elapsed;
        // Two more attempts (after 1 s and 2 s): retried in process, not a restart loop.
        await gateway.WaitForOutputAsync("Inputs cannot be opened", s_wait, count: 3);

        output.WriteLine($"online {online.TotalMilliseconds:0} ms after start; inputs-unavailable fault at the center {faultSeen.TotalMilliseconds:0} ms after start");
        var fault = center.On("/alarm").Single(m => m.Json.GetProperty("input").GetString() == "gpio").Json;
        output.WriteLine(fault.GetProperty("detail").ToString());
        Assert.Equal(("fault", "active"), (fault.GetProperty("kind").GetString(), fault.GetProperty("state").GetString()));
        Assert.Equal("inputs-unavailable", fault.GetProperty("detail").GetProperty("fault").GetString());
        var reason = fault.GetProperty("detail").GetProperty("reason").GetString()!;
        Assert.True(
            reason.StartsWith("libgpiod is not installed: apt install libgpiod2", StringComparison.Ordinal)
            || reason.StartsWith("gpiochip0 does not exist", StringComparison.Ordinal),
            reason);
        Assert.Null(gateway.ExitCode);
        Assert.DoesNotContain("Unhandled exception", gateway.Output, StringComparison.Ordinal);
        Assert.InRange(faultSeen, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        center.Contract.AssertNoViolations();

        await gateway.StopAsync();
        Assert.Equal(0, gateway.ExitCode);
    }
}
