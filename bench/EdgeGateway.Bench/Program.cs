using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeGateway.TestKit;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

// Usage: dotnet run -c Release --project bench/EdgeGateway.Bench -- [presses=1000] [debounceMs=20] [starts=5]
//        dotnet run -c Release --project bench/EdgeGateway.Bench -- drain [events=100000] [alarms=20]
if (args.Length > 0 && args[0] == "io")
{
    var io = StoreIoBench.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000, 100, 10);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"per alarm: {io.BytesPerAlarm / 1024:0.00} KiB, {io.FsyncsPerAlarm:0.00} fsyncs; per telemetry event (batches of {io.Batch}): {io.BytesPerTelemetry / 1024:0.00} KiB, {io.FsyncsPerTelemetry:0.000} fsyncs"));
    return;
}

if (args.Length > 0 && args[0] == "drain")
{
    await DrainBench.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20);
    return;
}

var presses = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var debounceMs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var starts = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
var entry = Path.Combine(AppContext.BaseDirectory, "edge-gateway.dll");

await using var broker = await MosquittoBroker.StartAsync();
Console.WriteLine($"Mosquitto on 127.0.0.1:{broker.Port}; {presses} presses, DebounceMs={debounceMs}; {Environment.ProcessorCount} cores");

var floor = await BareClientFloorAsync(broker.Port, presses);
var press = await PressToCenterAsync(broker.Port, presses, debounceMs, entry);
var startup = await StartToConnectedAsync(broker.Port, starts, entry);

Console.WriteLine();
Console.WriteLine("| measurement | median ms | p99 ms | max ms | n |");
Console.WriteLine("| --- | --- | --- | --- | --- |");
Row("bare MQTTnet publish → subscriber (floor)", floor);
Row($"press (sim socket) → subscriber, DebounceMs={debounceMs}", press);
Row("press → subscriber minus debounce", [.. press.Select(x => x - debounceMs)]);
Row("edge-gateway start → retained online at subscriber", startup);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ratio press/floor (medians): {Stats.Percentile(press, 50) / Stats.Percentile(floor, 50):0.0}x; without debounce: {(Stats.Percentile(press, 50) - debounceMs) / Stats.Percentile(floor, 50):0.0}x"));

static void Row(string name, IReadOnlyList<double> samples) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| {name} | {Stats.Percentile(samples, 50):0.00} | {Stats.Percentile(samples, 99):0.00} | {samples.Max():0.00} | {samples.Count} |"));

// The same-size QoS 1 message published by a bare MQTTnet client to the same broker and subscriber.
static async Task<List<double>> BareClientFloorAsync(int port, int count)
{
    var factory = new MqttClientFactory();
    using var publisher = factory.CreateMqttClient();
    using var subscriber = factory.CreateMqttClient();
    using var received = new SemaphoreSlim(0);
    subscriber.ApplicationMessageReceivedAsync += _ => { received.Release(); return Task.CompletedTask; };
    await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("floor-sub").Build());
    await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("floor/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
    await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("floor-pub").Build());
    var payload = Encoding.UTF8.GetBytes(new string('x', 300));
    var samples = new List<double>(count);
    for (var i = 0; i < count; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("floor/alarm").WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await received.WaitAsync();
        samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    return samples;
}

static async Task<List<double>> PressToCenterAsync(int port, int count, int debounceMs, string entry)
{
    var directory = Directory.CreateTempSubdirectory("edge-gateway-bench-").FullName;
    // MaxActivations 0: the bench presses far faster than swinger shutdown allows.
    var input = new { Id = "hall-door", Pin = 22, Kind = "door", Contact = "NO", Pull = "up", DebounceMs = debounceMs, MaxActivations = 0, Location = "bench" };
    await using var gateway = new GatewayProcess(directory, GatewayProcess.SimulatedConfig(directory, port, [input]), entry);
    await using var center = new MqttRecorder(port, "bench-center");
    await center.StartAsync();
    await gateway.StartAsync();
    await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(), TimeSpan.FromSeconds(30));
    var samples = new List<double>(count);
    var arrived = new SemaphoreSlim(0);
    center.Received += m => { if (m.Topic.EndsWith("/event", StringComparison.Ordinal)) { arrived.Release(); } };
    for (var i = 0; i < count; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await gateway.SimAsync("set 22 low");
        await arrived.WaitAsync(TimeSpan.FromSeconds(30));
        samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        await gateway.SimAsync("set 22 high");
        await arrived.WaitAsync(TimeSpan.FromSeconds(30));
    }

    await gateway.StopAsync();
    Directory.Delete(directory, recursive: true);
    return samples;
}

static async Task<List<double>> StartToConnectedAsync(int port, int runs, string entry)
{
    var samples = new List<double>(runs);
    for (var i = 0; i < runs; i++)
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-bench-").FullName;
        await using var gateway = new GatewayProcess(directory, GatewayProcess.SimulatedConfig(directory, port, [new { Id = "p", Pin = 17, Kind = "panic", MaxActivations = 0 }]), entry);
        await using var center = new MqttRecorder(port, $"bench-start-{i}", "campus/v1/+/+/status");
        await center.StartAsync();
        var online = new SemaphoreSlim(0);
        center.Received += m => { if (m.Payload.Contains("\"online\"", StringComparison.Ordinal) && !m.Retained) { online.Release(); } };
        var start = Stopwatch.GetTimestamp();
        await gateway.StartAsync(["run", "--config", gateway.ConfigFile], waitForSocket: false);
        await online.WaitAsync(TimeSpan.FromSeconds(30));
        samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        await gateway.StopAsync();
        Directory.Delete(directory, recursive: true);
    }

    return samples;
}
