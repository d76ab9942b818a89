using System.Globalization;
using EdgeGateway.Center;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Demo.Broker;
using EdgeGateway.Hardware;
using EdgeGateway.Host;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Demo;

/// <summary>
/// <c>edge-demo</c>: the whole path on one machine. An in-process broker, the gateway with simulated GPIO,
/// and a center view that acknowledges alarms; a scripted guard presses the panic button through the sim socket.
/// </summary>
public static class DemoCommand
{
    private const int PanicPin = 17;
    private const int DoorPin = 27;
    private const int StatusLedPin = 5;

    /// <param name="presses">Stop after this many panic presses; 0 for until cancelled.</param>
    /// <param name="interval">The pause between presses.</param>
    /// <param name="output">Where the demo, the guard, the gateway's LED and the center view write their lines.</param>
    /// <param name="time">The clock of the center view and of the guard's pauses.</param>
    /// <param name="cancellationToken">Stops the demo cleanly (exit code 0).</param>
    public static async Task<int> RunAsync(int presses, TimeSpan interval, TextWriter output, TimeProvider time, CancellationToken cancellationToken)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("edge-gateway-demo-").FullName;
        try
        {
            await using var broker = await EmbeddedBroker.StartAsync();
            output.WriteLine($"[demo] in-process MQTT broker on 127.0.0.1:{broker.Port}; gateway data in {dataDirectory}");

            await using var center = new CenterConsole(new CenterOptions { Port = broker.Port, AutoAck = true, Operator = "demo-operator" }, time);
            _ = new CenterView(center, output, time);
            await center.ConnectAsync(cancellationToken);

            using var gateway = GatewayHost.Build(null, DemoConfiguration(dataDirectory, broker.Port), LogLevel.Information);
            var acknowledged = new SemaphoreSlim(0);
            var acknowledgements = gateway.Services.GetRequiredService<CenterAcknowledgements>();
            acknowledgements.Acknowledged += (id, by, latency) =>
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[guard]  center acknowledged the alarm (by {by}) {latency.TotalMilliseconds:0.0} ms after the gateway sent it: help is coming"));
                acknowledged.Release();
            };
            gateway.Services.GetRequiredService<StatusLed>().IndicationChanged +=
                indication => output.WriteLine($"[gateway] status LED: {StatusLed.Describe(indication)}");
            await gateway.StartAsync(cancellationToken);
            try
            {
                return await PressAsync(gateway, Path.Combine(dataDirectory, "gpio-sim.sock"), acknowledged, presses, interval, output, time, cancellationToken);
            }
            finally
            {
                await gateway.StopAsync(CancellationToken.None);
                // Let the center print the gateway's offline/shutdown status.
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, CancellationToken.None);
                output.WriteLine("[demo] stopped");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>The scripted guard: press, wait for the center's ack, release, key reset; then the gate opens and closes.</summary>
    private static async Task<int> PressAsync(IHost gateway, string socket, SemaphoreSlim acknowledged, int presses, TimeSpan interval, TextWriter output, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var pins = await SimulatedGpioClient.ConnectAsync(socket, cancellationToken);
        var monitor = gateway.Services.GetRequiredService<InputMonitor>();
        for (var round = 1; presses == 0 || round <= presses; round++)
        {
            output.WriteLine($"[guard]  presses the panic button in the main office (GPIO {PanicPin} → low), round {round}");
            await pins.SendAsync($"set {PanicPin} low", cancellationToken);
            if (!await acknowledged.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken))
            {
                output.WriteLine("[guard]  NO acknowledgement from the center within 30 s");
                return 1;
            }

            await pins.SendAsync($"set {PanicPin} high", cancellationToken);
            output.WriteLine("[guard]  releases the button and turns the reset key (the alarm was latched until now)");
            monitor.RequestReset("office-panic");

            output.WriteLine($"[demo]   the school gate opens and closes (GPIO {DoorPin})");
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
