using System.Globalization;
using System.Threading.Channels;
using EdgeGateway.Center;
using EdgeGateway.Center.Web;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Demo.Board;
using EdgeGateway.Demo.Broker;
using EdgeGateway.Demo.Story;
using EdgeGateway.Hardware;
using EdgeGateway.Host;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Demo;

/// <summary>
/// <c>edge-demo</c>: the whole path on one machine. An in-process broker, the gateway with simulated GPIO,
/// and a center view that acknowledges alarms; a scripted guard presses the panic button through the sim socket.
/// The terminal tells the story (<see cref="DemoStory"/>); the gateway's log goes to a file.
/// </summary>
public static class DemoCommand
{
    private const int PanicPin = 17;
    private const int DoorPin = 27;
    private const int StatusLedPin = 5;
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);

    /// <param name="presses">Stop after this many panic presses; 0 for until cancelled.</param>
    /// <param name="interval">The pause between presses.</param>
    /// <param name="output">Where the story is told.</param>
    /// <param name="time">The clock of the center view, the latencies, the log and the guard's pauses.</param>
    /// <param name="cancellationToken">Stops the demo cleanly (exit code 0).</param>
    /// <param name="logFile">The gateway's log; default a new <c>edge-demo-*.log</c> in the temp folder, kept after the demo.</param>
    public static async Task<int> RunAsync(
        int presses,
        TimeSpan interval,
        TextWriter output,
        TimeProvider time,
        CancellationToken cancellationToken,
        string? logFile = null)
    {
        var story = new DemoStory(output);
        var dataDirectory = Directory.CreateTempSubdirectory("edge-gateway-demo-").FullName;
        using var log = new DemoLogFile(logFile ?? Path.Combine(Path.GetTempPath(), $"edge-demo-{time.GetUtcNow():yyyyMMdd-HHmmss}-{Environment.ProcessId}.log"), time);
        try
        {
            await using var broker = await EmbeddedBroker.StartAsync();
            story.Demo($"in-process MQTT broker on 127.0.0.1:{broker.Port}; gateway demo-school/gw1 on simulated GPIO; center view auto-acknowledging as demo-operator");
            story.Demo($"logs: {log.Path}");

            await using var center = new CenterConsole(new CenterOptions { Port = broker.Port, AutoAck = true, Operator = "demo-operator" }, time);
            story.Follow(center);
            var online = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            center.StatusChanged += (_, entry) =>
            {
                if (entry.Online == true)
                {
                    online.TrySetResult();
                }
            };
            var arrivals = Channel.CreateUnbounded<long>();
            center.Received += (m, _) =>
            {
                if (m.IsAlarm && m.State == "active")
                {
                    arrivals.Writer.TryWrite(time.GetTimestamp());
                }
            };
            await center.ConnectAsync(cancellationToken);
            await using var board = await StartBoardAsync(center, dataDirectory, story, time, cancellationToken);

            using var gateway = GatewayHost.Build(null, DemoConfiguration(dataDirectory, broker.Port), LogLevel.Information, log);
            var led = gateway.Services.GetRequiredService<StatusLed>();
            story.Follow(led);
            // The ack is back when the guard can see it: the status LED goes steady.
            var acksBack = Channel.CreateUnbounded<long>();
            led.IndicationChanged += indication =>
            {
                if (indication == LedIndication.Acknowledged)
                {
                    acksBack.Writer.TryWrite(time.GetTimestamp());
                }
            };
            await gateway.StartAsync(cancellationToken);
            try
            {
                await online.Task.WaitAsync(s_deadline, time, cancellationToken);
                var guard = new Guard(gateway, story, arrivals.Reader, acksBack.Reader, time);
                return await guard.PressAsync(Path.Combine(dataDirectory, "gpio-sim.sock"), presses, interval, cancellationToken);
            }
            finally
            {
                await gateway.StopAsync(CancellationToken.None);
                // Let the center tell the gateway's offline/shutdown status.
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, CancellationToken.None);
                story.Demo($"stopped; the gateway's log is in {log.Path}");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (TimeoutException)
        {
            story.Demo($"the gateway did not come online at the center within {s_deadline.TotalSeconds:0} s; see {log.Path}");
            return 1;
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>The web board for the center view, printed as <c>[board]</c>; the demo runs on without it when it cannot start.</summary>
    private static async Task<DemoBoard?> StartBoardAsync(CenterConsole center, string directory, DemoStory story, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            var board = await DemoBoard.StartAsync(center, directory, time, cancellationToken);
            story.Board(board.Address, DemoBoard.OperatorName, board.Password);
            return board;
        }
        catch (BoardStartException ex)
        {
            story.Demo($"no web board: {ex.Message}");
            return null;
        }
    }

    /// <summary>The scripted guard: press, wait for the center's ack on the LED, release, key reset; then the gate opens and closes.</summary>
    private sealed class Guard(IHost gateway, DemoStory story, ChannelReader<long> arrivals, ChannelReader<long> acksBack, TimeProvider time)
    {
        public async Task<int> PressAsync(string socket, int presses, TimeSpan interval, CancellationToken cancellationToken)
        {
            await using var pins = await SimulatedGpioClient.ConnectAsync(socket, cancellationToken);
            var monitor = gateway.Services.GetRequiredService<InputMonitor>();
            for (var round = 1; presses == 0 || round <= presses; round++)
            {
                story.Guard($"round {round}: presses the panic button in the main office (GPIO {PanicPin} → low)");
                var pressedAt = time.GetTimestamp();
                await pins.SendAsync($"set {PanicPin} low", cancellationToken);
                if (await NextAsync(arrivals, cancellationToken) is not { } arrivedAt || await NextAsync(acksBack, cancellationToken) is not { } ackedAt)
                {
                    story.Guard($"NO acknowledgement from the center within {s_deadline.TotalSeconds:0} s");
                    return 1;
                }

                story.Guard("sees the LED steady: help is coming");
                story.Latency(round, time.GetElapsedTime(pressedAt, arrivedAt), time.GetElapsedTime(pressedAt, ackedAt));
                await pins.SendAsync($"set {PanicPin} high", cancellationToken);
                story.Guard("releases the button and turns the reset key (the alarm was latched until now)");
                monitor.RequestReset("office-panic");

                story.Guard($"opens the school gate and closes it again (GPIO {DoorPin})");
                await pins.SendAsync($"set {DoorPin} high", cancellationToken);
                await Task.Delay(TimeSpan.FromMilliseconds(300), time, cancellationToken);
                await pins.SendAsync($"set {DoorPin} low", cancellationToken);

                if (presses == 0 || round < presses)
                {
                    await Task.Delay(interval, time, cancellationToken);
                }
            }

            // Let the last restored and door events reach the center before stopping.
            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken);
            return 0;
        }

        /// <summary>The next timestamp, or null when none comes within the deadline.</summary>
        private async Task<long?> NextAsync(ChannelReader<long> reader, CancellationToken cancellationToken)
        {
            try
            {
                return await reader.ReadAsync(cancellationToken).AsTask().WaitAsync(s_deadline, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
    }

    private static Dictionary<string, string?> DemoConfiguration(string dataDirectory, int brokerPort) => new()
    {
        ["Gateway:SiteId"] = "demo-school",
        ["Gateway:GatewayId"] = "gw1",
        ["Gateway:DataDirectory"] = dataDirectory,
        ["Mqtt:Host"] = "127.0.0.1",
        ["Mqtt:Port"] = brokerPort.ToString(CultureInfo.InvariantCulture),
        ["Mqtt:UseTls"] = "false",
        ["Gpio:Driver"] = "simulated",
        ["Inputs:0:Id"] = "office-panic",
        ["Inputs:0:Pin"] = PanicPin.ToString(CultureInfo.InvariantCulture),
        ["Inputs:0:Kind"] = "panic",
        ["Inputs:0:Contact"] = "NO",
        ["Inputs:0:Pull"] = "up",
        ["Inputs:0:Location"] = "Main office, building A",
        // The scripted guard presses every few seconds, which swinger shutdown would rightly call flapping.
        ["Inputs:0:MaxActivations"] = "0",
        ["Inputs:1:Id"] = "gate-door",
        ["Inputs:1:Pin"] = DoorPin.ToString(CultureInfo.InvariantCulture),
        ["Inputs:1:Kind"] = "door",
        ["Inputs:1:Contact"] = "NC",
        ["Inputs:1:Pull"] = "up",
        ["Inputs:1:Location"] = "School gate",
        ["Inputs:1:MaxActivations"] = "0",
        ["Outputs:0:Id"] = "status-led",
        ["Outputs:0:Pin"] = StatusLedPin.ToString(CultureInfo.InvariantCulture),
        ["Outputs:0:Role"] = "StatusLed",
    };
}
