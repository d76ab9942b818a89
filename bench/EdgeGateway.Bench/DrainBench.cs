using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeGateway.TestKit;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

/// <summary>
/// Backlog drain: N events filled into a stopped gateway's outbox, drained to Mosquitto, next to a bare MQTTnet
/// QoS 1 pipelined publish loop (same window, same message size) in the same run; alarm latency during the drain;
/// bytes the gateway process wrote to disk per alarm (from /proc/PID/io).
/// </summary>
internal static class DrainBench
{
    private const int Window = 32;

    public static async Task RunAsync(int events, int alarms)
    {
        var entry = Path.Combine(AppContext.BaseDirectory, "edge-gateway.dll");
        await using var broker = await MosquittoBroker.StartAsync();
        Console.WriteLine($"Mosquitto on 127.0.0.1:{broker.Port}; {events} events, window {Window}; {Environment.ProcessorCount} cores");

        var bare = await BareLoopAsync(broker.Port, events);
        var directory = Directory.CreateTempSubdirectory("edge-gateway-drain-").FullName;
        var config = GatewayProcess.SimulatedConfig(directory, broker.Port, [new { Id = "store-pir", Pin = 24, Kind = "intrusion", Latch = false, MaxActivations = 0 }]);
        GatewayProcess.Section(config, "Mqtt")["InFlightWindow"] = Window;
        await using var gateway = new GatewayProcess(directory, config, entry);
        await using var center = new MqttRecorderCounter(broker.Port);
        await center.StartAsync();

        // Idle alarms, and the bytes written per alarm, on an empty outbox.
        await gateway.StartAsync();
        await WaitAsync(() => center.Status > 0);
        var writtenBefore = gateway.WrittenBytes();
        var idle = await PressAsync(gateway, center, alarms);
        var bytesPerAlarm = (gateway.WrittenBytes() - writtenBefore) / (2.0 * alarms);
        await gateway.StopAsync();

        var fill = Stopwatch.StartNew();
        OutboxFiller.Fill(gateway.DataDirectory, events);
        fill.Stop();
        var received = center.Events;
        var start = Stopwatch.StartNew();
        await gateway.StartAsync();
        await WaitAsync(() => center.Events > received + 1000);
        var busy = await PressAsync(gateway, center, alarms);
        await WaitAsync(() => center.Events >= received + events, TimeSpan.FromMinutes(10));
        var drain = start.Elapsed;
        await gateway.StopAsync();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"filled {events} events into the outbox in {fill.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine();
        Console.WriteLine("| measurement | value |");
        Console.WriteLine("| --- | --- |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| bare MQTTnet QoS 1 pipelined loop (window {Window}) | {events / bare.TotalSeconds:0} msg/s |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| gateway drain of {events} (from process start) | {events / drain.TotalSeconds:0} events/s ({events / drain.TotalSeconds / (events / bare.TotalSeconds):0.00}x bare) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| alarm latency, idle outbox | median {Stats.Percentile(idle, 50):0.0} ms, p99 {Stats.Percentile(idle, 99):0.0} ms (n={idle.Count}) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| alarm latency during the drain | median {Stats.Percentile(busy, 50):0.0} ms, p99 {Stats.Percentile(busy, 99):0.0} ms (n={busy.Count}; {Stats.Percentile(busy, 50) / Stats.Percentile(idle, 50):0.0}x idle) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| bytes written to disk per alarm event (/proc/PID/io write_bytes) | {bytesPerAlarm / 1024:0.0} KiB |"));
        Directory.Delete(directory, recursive: true);
    }

    private static async Task<List<double>> PressAsync(GatewayProcess gateway, MqttRecorderCounter center, int count)
    {
        var latencies = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var before = center.Alarms;
            var press = Stopwatch.StartNew();
            await gateway.SimAsync("set 24 low");
            await WaitAsync(() => center.Alarms > before);
            latencies.Add(press.Elapsed.TotalMilliseconds);
            await gateway.SimAsync("set 24 high");
            await WaitAsync(() => center.Alarms > before + 1);
        }

        return latencies;
    }

    private static async Task<TimeSpan> BareLoopAsync(int port, int count)
    {
        await using var center = new MqttRecorderCounter(port);
        await center.StartAsync();
        using var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("bare-pub").Build());
        var payload = Encoding.UTF8.GetBytes(new string('x', 330));
        var start = Stopwatch.StartNew();
        var inFlight = new List<Task>(Window);
        for (var i = 0; i < count; i++)
        {
            inFlight.Add(publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("campus/v1/bare/gw/event").WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()));
            if (inFlight.Count == Window)
            {
                await Task.WhenAny(inFlight);
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(inFlight);
        await WaitAsync(() => center.Events >= count, TimeSpan.FromMinutes(10));
        return start.Elapsed;
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan? timeout = null) =>
        await GatewayProcess.WaitUntilAsync(condition, timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Counts messages per kind without keeping them (a 100,000-message drain).</summary>
    private sealed class MqttRecorderCounter(int port) : IAsyncDisposable
    {
        private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
        private long _events;
        private long _alarms;
        private long _status;

        public long Events => Interlocked.Read(ref _events);

        public long Alarms => Interlocked.Read(ref _alarms);

        public long Status => Interlocked.Read(ref _status);

        public async Task StartAsync()
        {
            _client.ApplicationMessageReceivedAsync += e =>
            {
                var topic = e.ApplicationMessage.Topic;
                // Health messages count as none of them.
                if (topic.EndsWith("/alarm", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _alarms);
                }
                else if (topic.EndsWith("/event", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _events);
                }
                else if (topic.EndsWith("/status", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _status);
                }

                return Task.CompletedTask;
            };
            await _client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId($"counter-{Guid.NewGuid():N}").Build());
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("campus/v1/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
            _client.Dispose();
        }
    }
}
