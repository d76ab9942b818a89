using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EdgeGateway.TestKit;
using EdgeGateway.Mqtt.Connection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

/// <summary>Latencies of one run: to the center (first subscriber) and to the center's ack reaching the gateway's side.</summary>
internal sealed record LatencyRun(IReadOnlyList<double> ToCenter, IReadOnlyList<double> ToAck);

/// <summary>
/// Press-to-center and press-to-center-ack latency through the real gateway process, and the floor: the same-size
/// QoS 1 message published by a bare MQTTnet client to the same broker and subscriber, acked the same way.
/// </summary>
/// <remarks>
/// The center (a subscriber on <c>…/alarm</c>) acks every alarm on <c>…/ack</c> with <c>{"id","by","ts"}</c> as the
/// real center does. The ack is timed when it reaches a second subscriber on <c>…/ack</c> on the same broker: the
/// gateway's own subscription receives it at the same moment, minus its scheduling.
/// </remarks>
internal static class LatencyBench
{
    private const int PayloadBytes = 420;

    public static async Task<LatencyRun> FloorAsync(int port, int count)
    {
        await using var loop = await AckLoop.StartAsync(port, "floor/+/alarm", "floor/+/ack");
        using var publisher = await ConnectAsync(port, "floor-pub");
        var payload = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = "floor", pad = new string('x', PayloadBytes - 20) }));
        var toCenter = new List<double>(count);
        var toAck = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("floor/gw/alarm").WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await loop.NextAsync(start, toCenter, toAck);
        }

        return new LatencyRun(toCenter, toAck);
    }

    /// <summary>
    /// The disk's share of the floor: a 420-byte append and fsync to a file on the disk the outbox uses, as the
    /// outbox's journal does for each accepted event before it may be published.
    /// </summary>
    public static List<double> Fsync(int count)
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-fsync-").FullName;
        try
        {
            using var file = new FileStream(Path.Combine(directory, "journal"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            var record = new byte[PayloadBytes];
            var samples = new List<double>(count);
            for (var i = 0; i < count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                file.Write(record);
                file.Flush(flushToDisk: true);
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            return samples;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Presses an intrusion input (alarm lane, latch off) through the sim socket: <paramref name="count"/> activations
    /// and as many restores; <paramref name="environment"/> goes into the gateway's (a trace, runtime settings).
    /// </summary>
    public static async Task<LatencyRun> PressAsync(int port, int count, int debounceMs, string entry, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-bench-").FullName;
        try
        {
            // MaxActivations 0: the bench presses far faster than swinger shutdown allows. Intrusion, not panic:
            // a panic input must latch, and a latched alarm would need a reset per press.
            var input = new { Id = "store-pir", Pin = 17, Kind = "intrusion", Latch = false, Contact = "NO", Pull = "up", DebounceMs = debounceMs, MaxActivations = 0, Location = "bench" };
            await using var gateway = new GatewayProcess(directory, GatewayProcess.SimulatedConfig(directory, port, [input]), entry);
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                gateway.EnvironmentVariables[name] = value;
            }

            await using var loop = await AckLoop.StartAsync(port, "campus/v1/+/+/alarm", "campus/v1/+/+/ack");
            await StartConnectedAsync(gateway);
            var toCenter = new List<double>(count);
            var toAck = new List<double>(count);
            var starts = new List<long>(count);
            await using var sim = await gateway.OpenSimAsync();
            for (var i = 0; i < count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                starts.Add(start);
                await sim.SendAsync("set 17 low");
                await loop.NextAsync(start, toCenter, toAck);
                await sim.SendAsync("set 17 high");
                await loop.NextAsync(Stopwatch.GetTimestamp(), [], []);
            }

            await gateway.StopAsync();
            WritePressTimes(starts, toCenter);
            return new LatencyRun(toCenter, toAck);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// With <c>EDGE_BENCH_PRESS_TIMES=FILE</c>, appends each press's start (<see cref="Stopwatch"/> ticks: CLOCK_MONOTONIC
    /// nanoseconds on Linux) and its press → center milliseconds to FILE, to line presses up with a trace taken on the
    /// same clock (<c>perf record -k CLOCK_MONOTONIC -e sched:sched_switch -e sched:sched_wakeup -a</c>).
    /// </summary>
    private static void WritePressTimes(List<long> starts, List<double> toCenter)
    {
        if (Environment.GetEnvironmentVariable("EDGE_BENCH_PRESS_TIMES") is { Length: > 0 } file)
        {
            File.AppendAllLines(file, starts.Zip(toCenter, (start, ms) => FormattableString.Invariant($"{start} {ms:0.000}")));
        }
    }

    /// <summary>Starts the gateway and waits until it is connected; a start that fails shows the gateway's output.</summary>
    public static async Task StartConnectedAsync(GatewayProcess gateway, string connected = "Connected to")
    {
        try
        {
            await gateway.StartAsync();
            await gateway.WaitForOutputAsync(connected, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"edge-gateway did not get to '{connected}':\n{gateway.Output}", ex);
        }
    }

    /// <summary>A bare client with the gateway's wire settings (socket buffers, each packet in one write), so a floor or a bare loop measures the same wire.</summary>
    public static async Task<IMqttClient> ConnectAsync(int port, string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId(clientId).WithoutPacketFragmentation().Build().WithSocketBuffers());
        return client;
    }

    /// <summary>A center that acks every alarm, and a second subscriber that sees the acks.</summary>
    internal sealed class AckLoop : IAsyncDisposable
    {
        private readonly SemaphoreSlim _alarms = new(0);
        private readonly SemaphoreSlim _acks = new(0);
        private IMqttClient? _center;
        private IMqttClient? _ackObserver;
        private long _alarmAt;
        private long _ackAt;

        public static async Task<AckLoop> StartAsync(int port, string alarmFilter, string ackFilter)
        {
            var loop = new AckLoop();
            loop._ackObserver = await ConnectAsync(port, $"bench-ack-observer-{Guid.NewGuid():N}");
            loop._ackObserver.ApplicationMessageReceivedAsync += _ =>
            {
                Volatile.Write(ref loop._ackAt, Stopwatch.GetTimestamp());
                loop._acks.Release();
                return Task.CompletedTask;
            };
            await loop._ackObserver.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(ackFilter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
            var center = await ConnectAsync(port, $"bench-center-{Guid.NewGuid():N}");
            loop._center = center;
            center.ApplicationMessageReceivedAsync += async e =>
            {
                Volatile.Write(ref loop._alarmAt, Stopwatch.GetTimestamp());
                loop._alarms.Release();
                using var alarm = JsonDocument.Parse(e.ApplicationMessage.Payload);
                var ack = JsonSerializer.Serialize(new { id = alarm.RootElement.GetProperty("id").GetString(), by = "bench", ts = TimeProvider.System.GetUtcNow().ToString("O") });
                var topic = e.ApplicationMessage.Topic[..e.ApplicationMessage.Topic.LastIndexOf('/')] + "/ack";
                await center.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(ack).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            };
            await center.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(alarmFilter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
            return loop;
        }

        /// <summary>Waits for the next alarm and its ack; adds their latencies from <paramref name="start"/>.</summary>
        public async Task NextAsync(long start, List<double> toCenter, List<double> toAck)
        {
            if (!await _alarms.WaitAsync(TimeSpan.FromSeconds(30)) || !await _acks.WaitAsync(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("no alarm or ack within 30 s");
            }

            toCenter.Add(Stopwatch.GetElapsedTime(start, Volatile.Read(ref _alarmAt)).TotalMilliseconds);
            toAck.Add(Stopwatch.GetElapsedTime(start, Volatile.Read(ref _ackAt)).TotalMilliseconds);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in new[] { _center, _ackObserver })
            {
                if (client is not null)
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
                    client.Dispose();
                }
            }

            _alarms.Dispose();
            _acks.Dispose();
        }
    }
}
