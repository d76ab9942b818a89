using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeGateway.Core.Sockets;
using EdgeGateway.TestKit;
using MQTTnet;
using MQTTnet.Protocol;

/// <summary>
/// The press row's structural floor: a process of its own that does only what a press must, with no gateway code
/// between (one line read from a Unix socket, a 420-byte journal write and fsync, a bare MQTTnet QoS 1 publish), timed
/// by the same center as the gateway's presses. The press and the relay cross the same three processes (bench,
/// broker, gateway or relay) on the same cores, so the gap between the two rows is what the gateway's own code adds,
/// and the relay's tail is what the processes' wake-ups cost on this machine.
/// </summary>
internal static class RelayBench
{
    private const int PayloadBytes = 420;

    /// <summary>Presses through a relay process started on the gateway's runtime settings: activations and restores alike, as <see cref="LatencyBench.PressAsync"/>.</summary>
    public static async Task<LatencyRun> PressAsync(int port, int count)
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-relay-").FullName;
        var socketPath = Path.Combine(directory, "relay.sock");
        using var relay = Process.Start(StartInfo(socketPath, port, directory)) ?? throw new InvalidOperationException("the relay did not start");
        try
        {
            var ready = await relay.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            if (ready != "ready")
            {
                throw new InvalidOperationException($"the relay did not start: {ready} {await relay.StandardError.ReadToEndAsync()}");
            }

            await using var loop = await LatencyBench.AckLoop.StartAsync(port, "relay/+/alarm", "relay/+/ack");
            await using var sim = await SimSession.ConnectAsync(socketPath);
            var toCenter = new List<double>(count);
            var toAck = new List<double>(count);
            for (var i = 0; i < count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await sim.SendAsync("set 17 low");
                await loop.NextAsync(start, toCenter, toAck);
                await sim.SendAsync("set 17 high");
                await loop.NextAsync(Stopwatch.GetTimestamp(), [], []);
            }

            return new LatencyRun(toCenter, toAck);
        }
        finally
        {
            relay.StandardInput.Close();
            await relay.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The relay process's main (<c>relay SOCKET PORT DIRECTORY</c>): serves the socket until its standard input closes.
    /// Each line is written and fsynced before its reply, and its publish is begun before the reply too.
    /// </summary>
    public static async Task<int> ServeAsync(string socketPath, int port, string directory)
    {
        using var client = await LatencyBench.ConnectAsync(port, "bench-relay");
        using var journal = new FileStream(Path.Combine(directory, "journal"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        var relay = new Relay(client, journal);
        await using var server = new LineSocketServer(socketPath, relay, Encoding.ASCII, maxLineBytes: 256, backlog: 4, new LineSocketLimits(4, TimeSpan.FromMinutes(10)), TimeProvider.System);
        server.Start();
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        return relay.Failures == 0 ? 0 : 1;
    }

    // The bench's own assembly (dotnet exec EdgeGateway.Bench.dll relay …), started as the gateway is, and on the
    // gateway's runtimeconfig instead of the bench's: tiered and without dynamic PGO, where the bench compiles fully.
    private static ProcessStartInfo StartInfo(string socketPath, int port, string directory)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "exec", "--runtimeconfig", Path.Combine(AppContext.BaseDirectory, "edge-gateway.runtimeconfig.json"), typeof(RelayBench).Assembly.Location, "relay", socketPath, port.ToString(CultureInfo.InvariantCulture), directory })
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private sealed class Relay(IMqttClient client, FileStream journal) : ILineProtocol
    {
        private readonly byte[] _record = new byte[PayloadBytes];
        private int _presses;
        private int _failures;

        public int Failures => Volatile.Read(ref _failures);

        public bool Converses => true;

        public string? Greeting() => null;

        public string Reply(string line)
        {
            journal.Write(_record);
            journal.Flush(flushToDisk: true);
            var id = $"relay-{Interlocked.Increment(ref _presses)}";
            var payload = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id, pad = new string('x', PayloadBytes - 30) }));
            _ = PublishAsync(payload);
            return "ok";
        }

        public void AcceptFailed(Exception exception, TimeSpan retryIn) => Console.Error.WriteLine($"relay accept failed: {exception.Message}");

        public void ClientFailed(Exception exception) => Console.Error.WriteLine($"relay client failed: {exception.Message}");

        private async Task PublishAsync(byte[] payload)
        {
            try
            {
                await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("relay/gw/alarm").WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                Interlocked.Increment(ref _failures);
                Console.Error.WriteLine($"relay publish failed: {ex.Message}");
            }
        }
    }
}
