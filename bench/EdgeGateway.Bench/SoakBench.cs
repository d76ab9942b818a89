using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeGateway.TestKit;
using MQTTnet;
using MQTTnet.Protocol;

/// <summary>One sample of the soak: minutes since start, resident memory, the GC's heap after its last collection (null without dotnet-counters).</summary>
internal sealed record SoakSample(double Minutes, double RssMb, double? HeapMb, long Presses, long Written, long LogBytes, double? CommittedMb = null);

/// <summary>
/// The gateway as it runs for months, compressed: the example config's five inputs (simulated GPIO) toggled at a
/// steady rate, a center that acks every alarm, and (soak) the broker restarted every two minutes. Samples resident
/// memory (<c>/proc/PID/status</c>), the managed heap (dotnet-counters, when installed: <c>dotnet tool install -g
/// dotnet-counters</c>), bytes written (<c>/proc/PID/io</c>) and log bytes. <c>sdbudget</c> is the same run at a
/// school's pace, scaled up, to price a day's writes.
/// </summary>
internal static class SoakBench
{
    private static readonly object[] s_schoolInputs =
    [
        new { Id = "office-panic", Pin = 17, Kind = "intrusion", Latch = false, MaxActivations = 0, DebounceMs = 0, Location = "Main office, building A" },
        new { Id = "gate-panic", Pin = 27, Kind = "intrusion", Latch = false, MaxActivations = 0, DebounceMs = 0, Location = "Gatehouse" },
        new { Id = "gate-door", Pin = 22, Kind = "door", DebounceMs = 0, Location = "School gate" },
        new { Id = "canteen-smoke", Pin = 23, Kind = "smoke", Latch = false, MaxActivations = 0, DebounceMs = 0, Location = "Canteen kitchen" },
        new { Id = "store-intrusion", Pin = 24, Kind = "intrusion", Latch = false, MaxActivations = 0, DebounceMs = 0, Location = "Equipment store" },
    ];

    private static readonly int[] s_pins = [17, 27, 22, 23, 24];

    /// <summary>Runs for <paramref name="minutes"/>, <paramref name="pressesPerSecond"/> toggles a second (0: none), the broker restarted every <paramref name="brokerRestart"/> (none if null).</summary>
    public static async Task<List<SoakSample>> RunAsync(double minutes, double pressesPerSecond, TimeSpan? brokerRestart, TimeSpan sampleEvery, IReadOnlyList<int> doorShare, Action<SoakSample> sampled, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var directory = Directory.CreateTempSubdirectory("edge-gateway-soak-").FullName;
        try
        {
            var config = GatewayProcess.SimulatedConfig(directory, broker.Port, s_schoolInputs);
            await using var gateway = new GatewayProcess(directory, config, Path.Combine(AppContext.BaseDirectory, "edge-gateway.dll"));
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                gateway.EnvironmentVariables[name] = value;
            }

            using var center = await AckingCenterAsync(broker.Port);
            await LatencyBench.StartConnectedAsync(gateway);
            using var counters = Counters.Attach(gateway.ProcessId, sampleEvery);
            var samples = new List<SoakSample>();
            var clock = Stopwatch.StartNew();
            var nextSample = TimeSpan.Zero;
            var nextRestart = brokerRestart ?? TimeSpan.MaxValue;
            var writtenAtStart = gateway.WrittenBytes();
            var logAtStart = gateway.Output.Length;
            long presses = 0;
            var levels = new bool[s_schoolInputs.Length];
            while (clock.Elapsed.TotalMinutes < minutes)
            {
                if (clock.Elapsed >= nextSample)
                {
                    var sample = new SoakSample(clock.Elapsed.TotalMinutes, Resident.Megabytes(gateway.ProcessId), null, presses, gateway.WrittenBytes() - writtenAtStart, gateway.Output.Length - logAtStart);
                    samples.Add(sample);
                    sampled(sample);
                    nextSample += sampleEvery;
                }

                if (clock.Elapsed >= nextRestart)
                {
                    await broker.StopAsync();
                    await broker.StartAgainAsync();
                    nextRestart += brokerRestart!.Value;
                }

                if (pressesPerSecond <= 0)
                {
                    var until = TimeSpan.FromMinutes(minutes) < nextSample ? TimeSpan.FromMinutes(minutes) : nextSample;
                    await Task.Delay((until - clock.Elapsed) > TimeSpan.Zero ? until - clock.Elapsed : TimeSpan.Zero, TimeProvider.System);
                    continue;
                }

                // Door events as often as the share says, the alarm inputs in turn otherwise.
                var input = doorShare[(int)(presses % doorShare.Count)];
                levels[input] = !levels[input];
                var pin = s_pins[input];
                await gateway.SimAsync(string.Create(CultureInfo.InvariantCulture, $"set {pin} {(levels[input] ? "low" : "high")}"));
                presses++;
                var due = TimeSpan.FromSeconds(presses / pressesPerSecond);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, TimeProvider.System);
                }
            }

            var heap = counters?.Stop(TimeProvider.System.GetLocalNow().DateTime - clock.Elapsed) ?? [];
            var last = new SoakSample(clock.Elapsed.TotalMinutes, Resident.Megabytes(gateway.ProcessId), null, presses, gateway.WrittenBytes() - writtenAtStart, gateway.Output.Length - logAtStart);
            samples.Add(last);
            sampled(last);
            await gateway.StopAsync();
            return [.. samples.Select(sample => heap.Count == 0 ? sample : heap.MinBy(h => Math.Abs(h.Minutes - sample.Minutes)) is var h ? sample with { HeapMb = h.HeapMb, CommittedMb = h.CommittedMb } : sample)];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <param name="minutes">How long.</param>
    /// <param name="environment">For the gateway (runtime settings to compare, e.g. <c>DOTNET_GCgen0size</c>).</param>
    public static async Task<int> SoakAsync(double minutes, IReadOnlyDictionary<string, string> environment)
    {
        Console.WriteLine(F($"soak: {minutes:0} min, 5 inputs toggled 20 times a second, a center acking every alarm, the broker restarted every 2 min; gateway environment: {string.Join(' ', environment.Select(e => $"{e.Key}={e.Value}"))}"));
        var samples = await RunAsync(minutes, 20, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(Math.Clamp(minutes / 20, 0.25, 5)), [0, 1, 2, 3, 4], s => Console.WriteLine(F($"{s.Minutes:0.0} min: RSS {s.RssMb:0.0} MB")), environment);
        Console.WriteLine("| minute | RSS MB | managed heap MB (live after the last GC) | GC committed MB | toggles |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var s in samples)
        {
            Console.WriteLine(F($"| {s.Minutes:0.0} | {s.RssMb:0.0} | {(s.HeapMb is { } h ? h.ToString("0.0", CultureInfo.InvariantCulture) : "n/a")} | {(s.CommittedMb is { } c ? c.ToString("0.0", CultureInfo.InvariantCulture) : "n/a")} | {s.Presses} |"));
        }

        var warm = samples.Where(s => s.Minutes >= Math.Min(2, minutes / 3)).ToList();
        Console.WriteLine(F($"after warm-up ({warm[0].Minutes:0.0} min): RSS {warm.Min(s => s.RssMb):0.0}-{warm.Max(s => s.RssMb):0.0} MB, first {warm[0].RssMb:0.0}, last {warm[^1].RssMb:0.0}; heap {(warm.All(s => s.HeapMb is not null) ? F($"{warm.Min(s => s.HeapMb!.Value):0.0}-{warm.Max(s => s.HeapMb!.Value):0.0} MB") : "n/a")}"));
        return 0;
    }

    /// <summary>
    /// A school's day priced: 20 alarms (activation + restore each) and 200 door events (open + close) a day, measured at
    /// a compressed pace (4 toggles a second, one alarm toggle to ten door toggles) for <paramref name="minutes"/>; and an
    /// idle run of the same length for what the gateway writes with no events (health, status, logs).
    /// </summary>
    public static async Task<int> SdBudgetAsync(double minutes)
    {
        const double alarmsPerDay = 20, doorsPerDay = 200;
        var idle = await RunAsync(minutes, 0, null, TimeSpan.FromMinutes(minutes), [2], _ => { });
        var idlePerDay = idle[^1].Written / idle[^1].Minutes * 1440;
        var idleLogPerDay = idle[^1].LogBytes / idle[^1].Minutes * 1440;

        // One alarm toggle for every ten door toggles, as in the day; 4 toggles a second.
        var busy = await RunAsync(minutes, 4, null, TimeSpan.FromMinutes(minutes), [0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], _ => { });
        var toggles = busy[^1].Presses;
        var eventBytes = (busy[^1].Written - (idlePerDay / 1440 * busy[^1].Minutes)) / toggles;
        var eventLog = (busy[^1].LogBytes - (idleLogPerDay / 1440 * busy[^1].Minutes)) / (double)toggles;
        var eventsPerDay = 2 * (alarmsPerDay + doorsPerDay);
        Console.WriteLine(F($"idle: {idlePerDay / 1024 / 1024:0.00} MiB/day written by the process, {idleLogPerDay / 1024:0.0} KiB/day of log text ({minutes:0} min measured)"));
        Console.WriteLine(F($"per event (toggle): {eventBytes / 1024:0.00} KiB written, {eventLog:0} bytes of log text ({toggles} toggles in {busy[^1].Minutes:0.0} min)"));
        Console.WriteLine(F($"a day: {eventsPerDay} events → {(idlePerDay + (eventsPerDay * eventBytes)) / 1024 / 1024:0.00} MiB written by the process, {(idleLogPerDay + (eventsPerDay * eventLog)) / 1024:0.0} KiB of log text"));
        return 0;
    }

    private static async Task<IMqttClient> AckingCenterAsync(int port)
    {
        var center = await LatencyBench.ConnectAsync(port, "soak-center");
        center.ApplicationMessageReceivedAsync += async e =>
        {
            using var json = System.Text.Json.JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString());
            var ack = Encoding.UTF8.GetBytes(F($"{{\"id\":\"{json.RootElement.GetProperty("id").GetString()}\",\"by\":\"soak\",\"ts\":\"{TimeProvider.System.GetUtcNow():O}\"}}"));
            await center.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(e.ApplicationMessage.Topic[..^"alarm".Length] + "ack").WithPayload(ack).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        };
        center.DisconnectedAsync += async _ =>
        {
            // The broker restarts every two minutes: the center comes back like edge-center does.
            while (!center.IsConnected)
            {
                try
                {
                    await center.ReconnectAsync();
                    await center.SubscribeAsync("campus/v1/+/+/alarm", MqttQualityOfServiceLevel.AtLeastOnce);
                }
                catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
                }
            }
        };
        await center.SubscribeAsync("campus/v1/+/+/alarm", MqttQualityOfServiceLevel.AtLeastOnce);
        return center;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>dotnet-counters collecting the GC's heap size into a CSV file beside the run; null when it is not installed.</summary>
    private sealed class Counters : IDisposable
    {
        private readonly Process _process;
        private readonly string _file;

        private Counters(Process process, string file)
        {
            _process = process;
            _file = file;
        }

        public static Counters? Attach(int pid, TimeSpan every)
        {
            var tool = new[] { Environment.GetEnvironmentVariable("DOTNET_COUNTERS"), Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-counters") }
                .FirstOrDefault(File.Exists);
            if (tool is null)
            {
                return null;
            }

            var file = Path.Combine(Path.GetTempPath(), $"soak-counters-{pid}.csv");
            var seconds = Math.Max(1, (int)Math.Min(every.TotalSeconds, 30)).ToString(CultureInfo.InvariantCulture);
            var process = Process.Start(new ProcessStartInfo(tool, ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--refresh-interval", seconds, "--format", "csv", "-o", file, "--counters", "System.Runtime[dotnet.gc.last_collection.heap.size,dotnet.gc.last_collection.memory.committed_size]"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            return process is null ? null : new Counters(process, file);
        }

        /// <summary>
        /// Stops the tool (SIGINT, so it writes its file out) and returns the heap size over all generations per
        /// sample, as (minutes since <paramref name="start"/>, MB).
        /// </summary>
        public List<(double Minutes, double HeapMb, double CommittedMb)> Stop(DateTime start)
        {
            if (!_process.HasExited)
            {
                Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }

            if (!File.Exists(_file))
            {
                return [];
            }

            double Sum(IEnumerable<string[]> rows, string counter) =>
                rows.Where(c => c[2].Contains(counter, StringComparison.Ordinal)).Sum(c => double.Parse(c[^1], CultureInfo.InvariantCulture)) / 1024 / 1024;
            return [.. File.ReadAllLines(_file)
                .Select(l => l.Split(','))
                .Where(c => c.Length >= 5 && c[2].Contains("dotnet.gc.last_collection", StringComparison.Ordinal) && double.TryParse(c[^1], CultureInfo.InvariantCulture, out _))
                .GroupBy(c => c[0])
                .Select(g => ((DateTime.Parse(g.Key, CultureInfo.InvariantCulture) - start).TotalMinutes, Sum(g, "heap.size"), Sum(g, "committed_size")))];
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }
    }
}
