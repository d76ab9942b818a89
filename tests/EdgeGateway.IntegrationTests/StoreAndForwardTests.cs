using System.Diagnostics;
using System.Globalization;
using EdgeGateway.TestKit;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// Issue "store-and-forward that loses nothing": the gateway as a separate process against real Mosquittos, with
/// the broker stopped, the gateway killed, the disk full, the store corrupt, the network silent and a second path.
/// </summary>
public sealed class StoreAndForwardTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task BrokerDownForABurstOf1000_AllArrive_PerLaneOrderKept_SeqGapFree()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("hall-door", 22, "door"), Gateway.Input("store-pir", 24, "intrusion", latch: false)]);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(), s_wait);

        await broker.StopAsync();
        for (var cycle = 0; cycle < 250; cycle++)
        {
            var before = gateway.AcceptedEvents().Count;
            await gateway.SimAsync("set 22 low");
            await gateway.SimAsync("set 24 low");
            await GatewayProcess.WaitUntilAsync(() => gateway.AcceptedEvents().Count >= before + 2, s_wait);
            await gateway.SimAsync("set 22 high");
            await gateway.SimAsync("set 24 high");
            await GatewayProcess.WaitUntilAsync(() => gateway.AcceptedEvents().Count >= before + 4, s_wait);
        }

        await broker.StartAgainAsync();
        var accepted = gateway.AcceptedEvents();
        Assert.True(accepted.Count >= 1000);
        await AllArriveAsync(center, accepted, broker, gateway);

        var events = Events(center);
        Assert.Equal(Enumerable.Range(1, events.Max(e => (int)e.Seq)).Select(i => (long)i), events.Select(e => e.Seq).Distinct().Order());
        foreach (var lane in events.GroupBy(e => e.Topic))
        {
            var firstArrivals = lane.DistinctBy(e => e.Id).Select(e => e.Seq).ToList();
            Assert.Equal(firstArrivals.Order(), firstArrivals);
        }
    }

    /// <summary>20 cycles in CI; the long campaign: <c>EDGEGATEWAY_KILL_CYCLES=300 dotnet test tests/EdgeGateway.IntegrationTests --filter KillCycles</c>.</summary>
    [Fact]
    public async Task KillCycles_WhileTheBrokerFlaps_EveryAcceptedIdArrives()
    {
        var cycles = int.TryParse(Environment.GetEnvironmentVariable("EDGEGATEWAY_KILL_CYCLES"), CultureInfo.InvariantCulture, out var configured) ? configured : 20;
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("hall-door", 22, "door"), Gateway.Input("lab", 23, "generic")]);
        await gateway.StartAsync();
        var random = new Random(20261129);
        var brokerUp = true;
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            var burst = BurstAsync(gateway, random.Next(5, 15));
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(50, 600)), TimeProvider.System);
            await gateway.KillAsync();
            await burst;
            if (cycle % 5 == 2 && brokerUp)
            {
                await broker.StopAsync();
                brokerUp = false;
            }
            else if (cycle % 5 == 4 && !brokerUp)
            {
                await broker.StartAgainAsync();
                brokerUp = true;
            }

            await gateway.StartAsync();
        }

        if (!brokerUp)
        {
            await broker.StartAgainAsync();
        }

        var accepted = gateway.AcceptedEvents();
        await AllArriveAsync(center, accepted, broker, gateway);
        var received = center.Messages.Count(m => m.IsEvent);
        output.WriteLine($"{cycles} SIGKILL cycles: {accepted.Count} events accepted, {received} messages received ({received - ReceivedIds(center).Count} duplicates), 0 lost");
        // Not vacuous: presses land only while the gateway is up, so a loaded machine accepts fewer (95 of ~200 seen at load 3).
        Assert.True(accepted.Count > 2 * cycles, $"only {accepted.Count} events accepted");
        var seqs = Events(center).Select(e => e.Seq).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task AlarmDuringA100kDrain_ArrivesWithinTheIdleBound()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("store-pir", 24, "intrusion", latch: false)]);

        // Idle: five alarms on an empty outbox.
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(), s_wait);
        var idle = await PressAlarmsAsync(gateway, center, 5);
        await gateway.StopAsync();

        // A backlog of 100,000 ordinary events, as after a week-long outage.
        var fill = Stopwatch.StartNew();
        OutboxFiller.Fill(gateway.DataDirectory, 100_000);
        output.WriteLine($"filled 100000 events in {fill.Elapsed.TotalSeconds:0.0} s");
        var before = center.Messages.Count;
        var eventsBefore = EventIds(center).Count;
        // The project's own subscriber counts the drain (it once trickled behind a full window: BrokerDeliveryTests).
        // Counted as they arrive (the wait below polls it); which ones arrived is checked once at the end.
        var drained = 0;
        center.Received += m => { if (m.Topic.EndsWith("/event", StringComparison.Ordinal)) { Interlocked.Increment(ref drained); } };
        int Drained() => Volatile.Read(ref drained);
        var drain = Stopwatch.StartNew();
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.Messages.Count > before + 1000, s_wait);
        var busy = await PressAlarmsAsync(gateway, center, 5);
        try
        {
            await GatewayProcess.WaitUntilAsync(() => Drained() >= 100_000, TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException)
        {
            output.WriteLine($"received {Drained()} of 100000; recorder reconnects {center.Reconnects}; broker log: {string.Join(" / ", broker.Log.Split('\n').Where(l => !l.Contains("New connection", StringComparison.Ordinal)))}");
            await gateway.KillAsync();
            output.WriteLine($"left in the outbox: {OutboxFiller.Depth(gateway.DataDirectory)}; gateway output tail: {gateway.Output[^Math.Min(3000, gateway.Output.Length)..]}");
            throw;
        }

        drain.Stop();
        Assert.Equal(100_000, EventIds(center).Count - eventsBefore);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"drain: 100000 events in {drain.Elapsed.TotalSeconds:0.0} s = {100_000 / drain.Elapsed.TotalSeconds:0} events/s (includes start)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"alarm latency idle: {string.Join(", ", idle.Select(l => l.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)))} ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"alarm latency during drain: {string.Join(", ", busy.Select(l => l.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)))} ms"));
        Assert.All(busy, latency => Assert.True(latency < TimeSpan.FromSeconds(5), $"alarm took {latency} during the drain"));
    }

    [Fact]
    public async Task CorruptStoreFile_IsSetAside_TheGatewayStartsAndReportsIt()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("office-panic", 17, "panic")]);
        Directory.CreateDirectory(gateway.DataDirectory);
        var garbage = new byte[32 * 1024];
        new Random(5).NextBytes(garbage);
        await File.WriteAllBytesAsync(Path.Combine(gateway.DataDirectory, "outbox.db"), garbage);
        await File.WriteAllTextAsync(Path.Combine(gateway.DataDirectory, "outbox.db.seq"), "500\n");

        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);
        await gateway.SimAsync("set 17 low");
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Count() >= 2, s_wait);

        var fault = center.On("/alarm").First().Json;
        Assert.Equal("fault", fault.GetProperty("kind").GetString());
        Assert.Equal("corrupt-store", fault.GetProperty("detail").GetProperty("fault").GetString());
        Assert.Equal(501, fault.GetProperty("seq").GetInt64());
        var aside = fault.GetProperty("detail").GetProperty("movedTo").GetString()!;
        Assert.Equal(garbage, await File.ReadAllBytesAsync(aside));
        var alarm = center.On("/alarm").Skip(1).First().Json;
        Assert.Equal("panic", alarm.GetProperty("kind").GetString());
        Assert.Equal(502, alarm.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task DiskFull_TheAlarmStillArrives_FaultReported_AndAllIsWrittenWhenSpaceReturns()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("office-panic", 17, "panic"), Gateway.Input("hall-door", 22, "door")]);
        await using var disk = await SmallDisk.MountAsync(gateway.DataDirectory, megabytes: 4);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(), s_wait);

        var filler = disk.FillUp();
        await gateway.SimAsync("set 17 low");
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(m => m.Json.GetProperty("kind").GetString() == "panic"), s_wait);
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(m => IsStorageFault(m, "active")), s_wait);
        await gateway.SimAsync("set 22 low");
        await GatewayProcess.WaitUntilAsync(() => center.On("/event").Any(), s_wait);
        Assert.Contains("Storage fault", gateway.Output, StringComparison.Ordinal);

        File.Delete(filler);
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(m => IsStorageFault(m, "restored")), s_wait);
        await gateway.SimAsync("set 22 high");
        await GatewayProcess.WaitUntilAsync(() => center.On("/event").Count() >= 2, s_wait);

        var seqs = Events(center).Select(e => e.Seq).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.Equal(5, seqs.Count);
    }

    [Fact]
    public async Task SilentBroker_IsDetectedWithinOneAndAHalfKeepalives_AndThePathFaultIsReported()
    {
        const int KeepAlive = 4;
        await using var broker = await MosquittoBroker.StartAsync();
        await using var proxy = new TcpProxy(broker.Port);
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(proxy.Port, [Gateway.Input("office-panic", 17, "panic")], keepAliveSeconds: KeepAlive);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => gateway.Output.Contains("Connected to", StringComparison.Ordinal), s_wait);
        // Let the connection go idle, as it is most of the time.
        await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System);

        proxy.Freeze();
        var silent = Stopwatch.StartNew();
        await GatewayProcess.WaitUntilAsync(() => gateway.Output.Contains("Connection lost", StringComparison.Ordinal), s_wait);
        var detected = silent.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"silent broker detected after {detected.TotalSeconds:0.00} s (keepalive {KeepAlive} s, bound {1.5 * KeepAlive} s)"));
        // The network stays silent a while longer, as a real outage would, then comes back.
        await Task.Delay(TimeSpan.FromSeconds(KeepAlive), TimeProvider.System);
        proxy.Thaw();

        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(m => m.Json.GetProperty("kind").GetString() == "fault"), s_wait);
        var fault = center.On("/alarm").First().Json.GetProperty("detail");
        Assert.Equal("path", fault.GetProperty("fault").GetString());
        Assert.True(int.Parse(fault.GetProperty("durationSeconds").GetString()!, CultureInfo.InvariantCulture) >= KeepAlive);
        // MQTTnet checks its keepalive about once a second: allow that granularity on top of 1.5 x keepalive.
        Assert.True(detected <= TimeSpan.FromSeconds((1.5 * KeepAlive) + 1.5), $"detected after {detected}");
    }

    [Fact]
    public async Task PrimaryDown_FailsOverToTheSecondary_AndReturnsWhenItIsBack()
    {
        await using var primary = await MosquittoBroker.StartAsync();
        await using var secondary = await MosquittoBroker.StartAsync();
        await using var centerA = new MqttRecorder(primary.Port, "center-a");
        await using var centerB = new MqttRecorder(secondary.Port, "center-b");
        await centerA.StartAsync();
        await centerB.StartAsync();
        var directory = Directory.CreateTempSubdirectory("edge-gateway-test-").FullName;
        var config = GatewayProcess.SimulatedConfig(directory, primary.Port, [Gateway.Input("store-pir", 24, "intrusion", latch: false)], keepAliveSeconds: 2);
        var mqtt = GatewayProcess.Section(config, "Mqtt");
        mqtt["Secondary"] = new Dictionary<string, object> { ["Host"] = "127.0.0.1", ["Port"] = secondary.Port };
        mqtt["FailoverAfterSeconds"] = 2;
        mqtt["PrimaryProbeSeconds"] = 1;
        await using var gateway = new GatewayProcess(directory, config, Gateway.EntryAssembly);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => centerA.On("/status").Any(m => m.Payload.Contains("online", StringComparison.Ordinal)), s_wait);

        await primary.StopAsync();
        await GatewayProcess.WaitUntilAsync(() => centerB.On("/status").Any(m => m.Payload.Contains("online", StringComparison.Ordinal)), s_wait);
        await PressAsync(gateway);
        await GatewayProcess.WaitUntilAsync(() => centerB.On("/alarm").Any(m => m.Json.GetProperty("kind").GetString() == "intrusion"), s_wait);

        var onlineOnA = centerA.On("/status").Count(m => m.Payload.Contains("online", StringComparison.Ordinal));
        await primary.StartAgainAsync();
        await GatewayProcess.WaitUntilAsync(() => centerA.On("/status").Count(m => m.Payload.Contains("online", StringComparison.Ordinal)) > onlineOnA, s_wait);
        var intrusionsOnA = centerA.On("/alarm").Count(m => m.Json.GetProperty("kind").GetString() == "intrusion");
        await PressAsync(gateway);
        await GatewayProcess.WaitUntilAsync(() => centerA.On("/alarm").Count(m => m.Json.GetProperty("kind").GetString() == "intrusion") > intrusionsOnA, s_wait);
    }

    private async Task AllArriveAsync(MqttRecorder center, IReadOnlyDictionary<long, string> accepted, MosquittoBroker broker, GatewayProcess gateway)
    {
        try
        {
            await GatewayProcess.WaitUntilAsync(() => ReceivedIds(center).IsSupersetOf(accepted.Values), s_wait);
        }
        catch (TimeoutException)
        {
            var received = ReceivedIds(center);
            var missing = accepted.Where(a => !received.Contains(a.Value)).Select(a => a.Key).Order().ToList();
            output.WriteLine($"{missing.Count} of {accepted.Count} accepted events never arrived, seqs {string.Join(",", missing.Take(40))}; recorder reconnects {center.Reconnects}");
            output.WriteLine($"broker log:\n{broker.Log}");
            output.WriteLine($"gateway (last 4000 chars):\n{gateway.Output[^Math.Min(4000, gateway.Output.Length)..]}");
            throw;
        }
    }

    private static async Task PressAsync(GatewayProcess gateway)
    {
        await gateway.SimAsync("set 24 low");
        await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        await gateway.SimAsync("set 24 high");
    }

    private static async Task<List<TimeSpan>> PressAlarmsAsync(GatewayProcess gateway, MqttRecorder center, int count)
    {
        var latencies = new List<TimeSpan>();
        for (var i = 0; i < count; i++)
        {
            var before = center.On("/alarm").Count();
            var press = Stopwatch.StartNew();
            await gateway.SimAsync("set 24 low");
            await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Count() > before, s_wait);
            latencies.Add(press.Elapsed);
            await gateway.SimAsync("set 24 high");
            await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Count() > before + 1, s_wait);
        }

        return latencies;
    }

    private static async Task BurstAsync(GatewayProcess gateway, int presses)
    {
        for (var i = 0; i < presses; i++)
        {
            try
            {
                await gateway.SimAsync($"set {(i % 2 == 0 ? 22 : 23)} low");
                await Task.Delay(TimeSpan.FromMilliseconds(40), TimeProvider.System);
                await gateway.SimAsync($"set {(i % 2 == 0 ? 22 : 23)} high");
                await Task.Delay(TimeSpan.FromMilliseconds(40), TimeProvider.System);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
            {
                return; // Killed mid-burst.
            }
        }
    }

    private static bool IsStorageFault(ReceivedMessage message, string state)
    {
        var json = message.Json;
        return json.GetProperty("kind").GetString() == "fault" && json.GetProperty("state").GetString() == state
            && json.GetProperty("detail").GetProperty("fault").GetString() == "storage";
    }

    private static HashSet<string> ReceivedIds(MqttRecorder center) =>
        center.Messages.Where(m => m.IsEvent).Select(m => m.Json.GetProperty("id").GetString()!).ToHashSet();

    private static HashSet<string> EventIds(MqttRecorder center) =>
        center.On("/event").Select(m => m.Json.GetProperty("id").GetString()!).ToHashSet();

    private static List<(string Topic, string Id, long Seq)> Events(MqttRecorder center) => [.. center.Messages
        .Where(m => m.IsEvent)
        .Select(m => (m.Topic, m.Json.GetProperty("id").GetString()!, m.Json.GetProperty("seq").GetInt64()))];
}
