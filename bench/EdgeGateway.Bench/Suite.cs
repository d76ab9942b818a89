using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using EdgeGateway.TestKit;

/// <summary>How much the suite measures: the full run (about 10 minutes on 2 cores) or the one-minute smoke.</summary>
internal sealed record SuiteSettings(bool Smoke, int Runs, int Presses, int DrainRuns, int DrainEvents, int DrainAlarms, int Starts, int IoAlarms, int IoTelemetryBatches, bool Micro)
{
    public static SuiteSettings Full { get; } = new(false, Runs: 5, Presses: 200, DrainRuns: 3, DrainEvents: 100_000, DrainAlarms: 20, Starts: 5, IoAlarms: 2000, IoTelemetryBatches: 200, Micro: true);

    public static SuiteSettings SmokeRun { get; } = new(true, Runs: 1, Presses: 30, DrainRuns: 1, DrainEvents: 5_000, DrainAlarms: 5, Starts: 1, IoAlarms: 200, IoTelemetryBatches: 20, Micro: false);
}

/// <summary>One row of the table: the figure, its baseline from the same run, the target and whether it is met.</summary>
internal sealed record Figure(string Measurement, string Value, string Baseline, string Target, bool? Met);

/// <summary>
/// The benchmark suite: every figure of docs/performance.md, each a median over repeated runs and paired with a
/// baseline measured in the same run. Prints the table; a full run also writes it into docs/performance.md.
/// </summary>
internal static class Suite
{
    private const string Begin = "<!-- suite:begin (written by the benchmark suite; edit outside these markers) -->";
    private const string End = "<!-- suite:end -->";
    private const int TelemetryBatch = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = args.Contains("--smoke") ? SuiteSettings.SmokeRun : SuiteSettings.Full;
        var command = ("dotnet run -c Release --project bench/EdgeGateway.Bench -- suite " + string.Join(' ', args)).TrimEnd();
        var entry = Path.Combine(AppContext.BaseDirectory, "edge-gateway.dll");
        var clock = Stopwatch.StartNew();
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        void Progress(string what) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed:mm\\:ss}] {what}"));

        await using var broker = await MosquittoBroker.StartAsync();
        Progress($"Mosquitto on 127.0.0.1:{broker.Port}; {(settings.Smoke ? "smoke" : "full")} run");

        var floors = new List<LatencyRun>();
        var fsyncs = new List<List<double>>();
        var relays = new List<LatencyRun>();
        var paths = new List<LatencyRun>();
        var debounced = new List<LatencyRun>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            Progress($"latency run {run}/{settings.Runs}: bare floor, write + fsync floor, bare relay, press with DebounceMs=0, press with DebounceMs=20 ({settings.Presses} each)");
            floors.Add(await LatencyBench.FloorAsync(broker.Port, settings.Presses));
            fsyncs.Add(LatencyBench.Fsync(settings.Presses));
            relays.Add(await RelayBench.PressAsync(broker.Port, settings.Presses));
            paths.Add(await LatencyBench.PressAsync(broker.Port, settings.Presses, debounceMs: 0, entry));
            debounced.Add(await LatencyBench.PressAsync(broker.Port, settings.Presses, debounceMs: 20, entry));
        }

        var drains = new List<DrainRun>();
        for (var run = 1; run <= settings.DrainRuns; run++)
        {
            Progress($"drain run {run}/{settings.DrainRuns}: bare QoS 1 loop, {settings.DrainEvents} mixed events, {settings.DrainAlarms} alarms idle and during the drain");
            try
            {
                drains.Add(await DrainBench.RunAsync(broker.Port, settings.DrainEvents, settings.DrainAlarms, entry));
            }
            catch (TimeoutException ex)
            {
                // One stuck run (for example a subscriber starved on a loaded machine) must not lose the other figures.
                Progress($"drain run {run} failed, left out of the medians: {ex.Message.Split('\n')[0]}");
            }
        }

        var starts = new List<StartRun>();
        for (var run = 1; run <= settings.Starts; run++)
        {
            Progress($"start run {run}/{settings.Starts}");
            starts.Add(await StartBench.RunAsync(broker.Port, run, ["dotnet", entry]));
        }

        // What the package ships, not the build output: a single file's packing decides its memory (docs/performance.md).
        var shippedStarts = new List<StartRun>();
        if (!settings.Smoke)
        {
            var published = Directory.CreateTempSubdirectory("edge-gateway-shipped-").FullName;
            try
            {
                Progress("publishing the shipped single file (deploy/publish.sh linux-x64)");
                var shipped = await ShippedFile.PublishAsync(published);
                for (var run = 1; run <= settings.Starts; run++)
                {
                    Progress($"start run {run}/{settings.Starts}, the shipped single file");
                    shippedStarts.Add(await StartBench.RunAsync(broker.Port, run, [shipped]));
                }
            }
            finally
            {
                Directory.Delete(published, recursive: true);
            }
        }

        var io = new List<StoreIo>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            Progress($"store IO run {run}/{settings.Runs}: {settings.IoAlarms} alarms, {settings.IoTelemetryBatches} telemetry batches of {TelemetryBatch}");
            io.Add(StoreIoBench.Run(settings.IoAlarms, settings.IoTelemetryBatches, TelemetryBatch));
        }

        string? micro = null;
        if (settings.Micro)
        {
            Progress("micro-benchmarks (BenchmarkDotNet, short job)");
            micro = await MicroBenchmarks.RunAsync();
        }

        var figures = Figures(settings, floors, fsyncs, relays, paths, debounced, drains, starts, shippedStarts, io);
        var loadAfter = File.ReadAllText("/proc/loadavg").Trim();
        var report = Report(settings, command, figures, micro, clock.Elapsed, loadBefore, loadAfter);
        Console.WriteLine();
        Console.WriteLine(report);
        if (!settings.Smoke)
        {
            var path = WriteDocument(report);
            Progress($"written to {path}");
        }

        Progress("done");
        return 0;
    }

    /// <summary>The suite's press → center row alone (DebounceMs=0), beside its floors, with the gateway's environment.</summary>
    public static async Task<int> PressOnlyAsync(int presses, int runs, IReadOnlyDictionary<string, string> environment)
    {
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        await using var broker = await MosquittoBroker.StartAsync();
        var entry = Path.Combine(AppContext.BaseDirectory, "edge-gateway.dll");
        var floors = new List<LatencyRun>();
        var fsyncs = new List<List<double>>();
        var relays = new List<LatencyRun>();
        var paths = new List<LatencyRun>();
        for (var run = 1; run <= runs; run++)
        {
            floors.Add(await LatencyBench.FloorAsync(broker.Port, presses));
            fsyncs.Add(LatencyBench.Fsync(presses));
            relays.Add(await RelayBench.PressAsync(broker.Port, presses));
            paths.Add(await LatencyBench.PressAsync(broker.Port, presses, debounceMs: 0, entry, environment));
            var worst = paths[^1].ToCenter.Select((ms, i) => (ms, i)).OrderByDescending(p => p.ms).Take(5).Select(p => F($"#{p.i} {p.ms:0.00}"));
            Console.WriteLine(F($"run {run}: press → center {Summary.Of([paths[^1].ToCenter]).Text} (slowest: {string.Join(", ", worst)}); bare relay {Summary.Of([relays[^1].ToCenter]).Text}; bare publish {Summary.Of([floors[^1].ToCenter]).Text}; write + fsync {Summary.Of([fsyncs[^1]]).Text}"));
        }

        var path = Summary.Of(paths.Select(r => r.ToCenter));
        var relay = Summary.Of(relays.Select(r => r.ToCenter));
        var floor = Summary.Of(floors.Select(r => r.ToCenter));
        var fsync = Summary.Of(fsyncs);
        Console.WriteLine(F($"median of {runs} runs × {presses}: press → center {path.Text}; bare relay {relay.Text} (press p99 {path.P99 / relay.P99:0.00}x relay); bare publish {floor.Text}; write + fsync {fsync.Text}; p99 {path.P99 / (floor.P99 + fsync.P99):0.00}x (bare + write/fsync)"));
        Console.WriteLine($"load average before: {loadBefore}; after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    /// <summary>The drain rows alone, for a quick before/after: each run's ratios to its own bare loop and idle alarms.</summary>
    public static async Task<int> DrainOnlyAsync(int events, int runs, IReadOnlyDictionary<string, string> environment)
    {
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        await using var broker = await MosquittoBroker.StartAsync();
        var entry = Path.Combine(AppContext.BaseDirectory, "edge-gateway.dll");
        var drains = new List<DrainRun>();
        for (var run = 1; run <= runs; run++)
        {
            var drain = await DrainBench.RunAsync(broker.Port, events, 20, entry, environment);
            drains.Add(drain);
            var idle = Summary.Of([drain.IdleAlarms]);
            var busy = Summary.Of([drain.BusyAlarms]);
            var busyBeside = Summary.Of([drain.BusyAlarmsBesideBacklog]);
            var idleBeside = Summary.Of([drain.IdleAlarmsBesideBacklog]);
            Console.WriteLine(F($"run {run}: drain {drain.DrainRate:N0} events/s, bare {drain.BareRate:N0} msg/s ({drain.DrainRate / drain.BareRate:0.00}x), gateway CPU {drain.GatewayCpuMicrosecondsPerEvent:0} µs per event (bench process: {drain.BareLoopBenchCpuMicrosecondsPerMessage:0} µs per message in the bare loop, publisher and subscriber; {drain.DrainBenchCpuMicrosecondsPerEvent:0} µs per event in the drain, subscribers only); alarm during the drain {busy.Text}, idle {idle.Text} ({busy.Median / idle.Median:0.00}x / {busy.P99 / idle.P99:0.00}x); beside the backlog {busyBeside.Text}, idle {idleBeside.Text}"));
        }

        var ratio = Drain.Of(drains);
        Console.WriteLine(F($"median of {runs} runs: drain {ratio.Text}; alarm during the drain {Summary.Of(drains.Select(d => d.BusyAlarms)).Text}, idle {Summary.Of(drains.Select(d => d.IdleAlarms)).Text}, {ratio.AlarmText}; beside the backlog {Summary.Of(drains.Select(d => d.BusyAlarmsBesideBacklog)).Text}, idle {Summary.Of(drains.Select(d => d.IdleAlarmsBesideBacklog)).Text}"));
        Console.WriteLine($"load average before: {loadBefore}; after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static List<Figure> Figures(
        SuiteSettings settings,
        List<LatencyRun> floors,
        List<List<double>> fsyncs,
        List<LatencyRun> relays,
        List<LatencyRun> paths,
        List<LatencyRun> debounced,
        List<DrainRun> drains,
        List<StartRun> starts,
        List<StartRun> shippedStarts,
        List<StoreIo> io)
    {
        var floor = Summary.Of(floors.Select(r => r.ToCenter));
        var floorAck = Summary.Of(floors.Select(r => r.ToAck));
        var fsync = Summary.Of(fsyncs);
        var path = Summary.Of(paths.Select(r => r.ToCenter));
        var relay = Summary.Of(relays.Select(r => r.ToCenter));
        var pathAck = Summary.Of(paths.Select(r => r.ToAck));
        var withDebounce = Summary.Of(debounced.Select(r => r.ToCenter));
        var idle = Summary.Of(drains.Select(d => d.IdleAlarms));
        var busy = Summary.Of(drains.Select(d => d.BusyAlarms));
        var idleBeside = Summary.Of(drains.Select(d => d.IdleAlarmsBesideBacklog));
        var busyBeside = Summary.Of(drains.Select(d => d.BusyAlarmsBesideBacklog));
        var drain = Drain.Of(drains);
        var alarmBytes = Median(io.Select(i => i.BytesPerAlarm)) / 1024;
        var telemetryBytes = Median(io.Select(i => i.BytesPerTelemetry)) / 1024;
        var gatewayBytes = Median(drains.Select(d => d.GatewayBytesPerAlarm)) / 1024;
        var gatewayFsyncs = drains.Count > 0 && drains.All(d => d.GatewayFsyncsPerAlarm is not null) ? Median(drains.Select(d => d.GatewayFsyncsPerAlarm!.Value)) : (double?)null;
        var idleRss = Median(starts.Select(s => s.IdleRssMb));
        var shippedRss = Median(shippedStarts.Select(s => s.IdleRssMb));
        var connected = Median(starts.Select(s => s.ToConnectedMs));
        var ready = Median(starts.Select(s => s.ToReadyMs));
        var n = $"{settings.Runs} runs × {settings.Presses}";
        return
        [
            new($"press (sim socket) → center, alarm lane, DebounceMs=0 ({n})", path.Text, $"bare MQTTnet publish → same subscriber: {floor.Text}; a 420-byte write + fsync on this disk (what each accepted event pays before it is published): {fsync.Text}", "p99 ≤ 20 ms and ≤ 3x (bare publish p99 + write/fsync p99)", path.P99 <= 20 && path.P99 <= 3 * (floor.P99 + fsync.P99)),
            new($"the same presses through a bare relay process (socket line → 420-byte write + fsync → bare MQTTnet publish; no gateway code; {n})", relay.Text, F($"the press row: its p99 is {path.P99 / relay.P99:0.00}x the relay's"), "reported (what the three processes' wake-ups cost on this machine)", null),
            new($"the first press after each start, in the same runs ({settings.Runs} runs)", FirstPresses(paths), "its later presses: the row above", "reported (the first use of the alarm path's code: JIT)", null),
            new($"press → center, DebounceMs=20 (a typical input config; {n})", withDebounce.Text, "the DebounceMs=0 row + the 20 ms debounce", "reported (the debounce alone is 20 ms)", null),
            new($"press → center's ack seen on …/ack, DebounceMs=0 ({n})", pathAck.Text, $"bare publish → subscriber → ack → second subscriber: {floorAck.Text}", "—", null),
            new($"backlog drain of {settings.DrainEvents:N0} mixed events ({settings.DrainRuns} runs)", drain.Text, F($"bare MQTTnet QoS 1 pipelined loop, window 32, in each run: {drain.Bare:N0} msg/s"), "≥ 0.50x bare in every run", drain.LowestRatio >= 0.5),
            new($"alarm latency during the drain, at a subscriber to the alarm topic ({settings.DrainRuns} runs × {settings.DrainAlarms})", F($"{busy.Text} ({drain.AlarmText})"), $"idle outbox, in each run: {idle.Text}", "median and p99 each ≤ 2x idle", drain.AlarmMedianRatio <= 2 && drain.AlarmP99Ratio <= 2),
            new($"the same alarms at a subscriber that also receives the backlog (campus/v1/#)", busyBeside.Text, $"idle outbox: {idleBeside.Text}", "reported (the center's case: one session takes alarms and the backlog)", null),
            new($"bytes written per alarm, outbox store (append + fsync + remove; {settings.IoAlarms} alarms, {settings.Runs} runs)", F($"{alarmBytes:0.0} KiB"), "before the journal (LiteDB checkpoint per append): 112 KiB, 3 fsyncs", "≤ 16 KiB", alarmBytes <= 16),
            new($"bytes written per alarm, gateway process (press → PUBACK; {settings.DrainRuns} runs × {settings.DrainAlarms} × 2 alarms)", F($"{gatewayBytes:0.0} KiB"), "—", "≤ 16 KiB", gatewayBytes <= 16),
            new("fsyncs per alarm: outbox store; gateway process (strace -f -c)", F($"{Median(io.Select(i => i.FsyncsPerAlarm)):0.00}; {(gatewayFsyncs is { } f ? f.ToString("0.00", CultureInfo.InvariantCulture) : "strace not installed")}"), "—", "—", null),
            new($"bytes written per telemetry event, group-committed in batches of {TelemetryBatch}", F($"{telemetryBytes:0.00} KiB ({Median(io.Select(i => i.FsyncsPerTelemetry)):0.000} fsyncs)"), "—", "≤ 2 KiB", telemetryBytes <= 2),
            new($"resident memory, idle, connected ({settings.Starts} runs; edge-gateway.dll on the shared runtime)", F($"{idleRss:0.0} MB"), "—", "≤ 80 MB", idleRss <= 80),
            new($"resident memory, idle, connected, the shipped single file (deploy/publish.sh linux-x64; {shippedStarts.Count} runs)", shippedStarts.Count > 0 ? F($"{shippedRss:0.0} MB") : "not measured (smoke run)", "—", "≤ 80 MB", shippedStarts.Count > 0 ? shippedRss <= 80 : null),
            new($"resident memory, {settings.DrainEvents:N0} queued, broker down ({settings.DrainRuns} runs)", F($"{Median(drains.Select(d => d.QueuedRssMb)):0.0} MB"), "—", "—", null),
            new($"process start → connected (online status at a subscriber; {settings.Starts} runs)", F($"{connected:0} ms"), "—", "≤ 2 s", connected <= 2000),
            new($"process start → systemd READY=1 ({settings.Starts} runs)", F($"{ready:0} ms"), "—", "—", null),
        ];
    }

    /// <summary>Median and slowest of each run's first press: a p99 of 200 presses per run counts it, so it is shown on its own.</summary>
    private static string FirstPresses(List<LatencyRun> paths)
    {
        var first = paths.Where(r => r.ToCenter.Count > 0).Select(r => r.ToCenter[0]).ToList();
        return first.Count == 0 ? "no presses" : F($"{Median(first):0.00} ms (slowest {first.Max():0.00})");
    }

    private static string Report(SuiteSettings settings, string command, List<Figure> figures, string? micro, TimeSpan elapsed, string loadBefore, string loadAfter)
    {
        var text = new StringBuilder();
        var now = TimeProvider.System.GetUtcNow();
        text.AppendLine(F($"Measured {now:yyyy-MM-dd HH:mm} UTC with `{command}` ({(settings.Smoke ? "smoke" : "full")} run, {elapsed.TotalMinutes:0.0} min)."));
        text.AppendLine();
        text.AppendLine(F($"Machine: {Environment.ProcessorCount} cores, {CpuModel()}, {OsName()} ({RuntimeInformation.OSDescription}), {RuntimeInformation.FrameworkDescription}, {MosquittoVersion()} on loopback. Load average before: {loadBefore}; after: {loadAfter}."));
        text.AppendLine();
        text.AppendLine(Loaded(loadBefore, loadAfter)
            ? F($"**The machine was loaded** (a 1-minute load average above its {Environment.ProcessorCount} cores): absolute times are inflated; judge each figure by its ratio to the baseline measured in the same run.")
            : "The machine was quiet (1-minute load average at most its core count before and after).");
        text.AppendLine();
        text.AppendLine("| measurement | value | baseline (same run) | target | met |");
        text.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var figure in figures)
        {
            text.AppendLine($"| {figure.Measurement} | {figure.Value} | {figure.Baseline} | {figure.Target} | {figure.Met switch { true => "met", false => "**missed**", null => "" }} |");
        }

        text.AppendLine();
        var judged = figures.Where(f => f.Met is not null).ToList();
        text.AppendLine(F($"Targets: {judged.Count(f => f.Met == true)} met, {judged.Count(f => f.Met == false)} missed{(judged.Any(f => f.Met == false) ? ": " + string.Join("; ", judged.Where(f => f.Met == false).Select(f => f.Measurement)) : "")}."));
        text.AppendLine();
        text.AppendLine("Latency cells: median / p99 in ms, each the median over the runs of that run's median / p99.");
        if (micro is not null)
        {
            text.AppendLine();
            text.AppendLine("### Micro-benchmarks (BenchmarkDotNet, short job)");
            text.AppendLine();
            text.AppendLine(micro);
        }

        return text.ToString();
    }

    /// <summary>Replaces the suite's block in docs/performance.md, keeping the hand-written text around it.</summary>
    private static string WriteDocument(string report)
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "performance.md");
        var existing = File.Exists(path) ? File.ReadAllText(path) : "# Performance\n\n" + Begin + "\n" + End + "\n";
        var start = existing.IndexOf(Begin, StringComparison.Ordinal);
        var end = existing.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException($"{path} lacks the suite's markers '{Begin}' … '{End}'");
        }

        File.WriteAllText(path, existing[..(start + Begin.Length)] + "\n" + report + existing[end..]);
        return path;
    }

    public static string RepositoryRoot()
    {
        // The working directory first: the suite may run from a build copied elsewhere.
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "EdgeGateway.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("EdgeGateway.sln not found above the working directory or " + AppContext.BaseDirectory);
    }

    private static bool Loaded(params string[] loadAverages) =>
        loadAverages.Any(l => double.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture) > Environment.ProcessorCount);

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    private static string OsName() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "Linux"
            : "Linux";

    private static string MosquittoVersion()
    {
        using var process = Process.Start(new ProcessStartInfo(MosquittoBroker.Executable ?? "mosquitto", "-h") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
        var first = process?.StandardOutput.ReadLine() ?? "";
        process?.WaitForExit();
        return first.Trim();
    }

    /// <summary>The median; NaN (shown as such, and a missed target) when every run of that figure failed.</summary>
    private static double Median(IEnumerable<double> values) => values.ToList() is { Count: > 0 } list ? Stats.Percentile(list, 50) : double.NaN;

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The drain judged run by run: each run's rate against its own bare loop, its alarms against its idle ones; medians over the runs.</summary>
    private sealed record Drain(double Rate, double Bare, double MedianRatio, double LowestRatio, double AlarmMedianRatio, double AlarmP99Ratio)
    {
        public string Text => F($"{Rate:N0} events/s ({MedianRatio:0.00}x, lowest run {LowestRatio:0.00}x)");

        public string AlarmText => F($"{AlarmMedianRatio:0.00}x / {AlarmP99Ratio:0.00}x idle");

        public static Drain Of(IReadOnlyList<DrainRun> runs) => new(
            Suite.Median(runs.Select(d => d.DrainRate)),
            Suite.Median(runs.Select(d => d.BareRate)),
            Suite.Median(runs.Select(d => d.DrainRate / d.BareRate)),
            runs.Count > 0 ? runs.Min(d => d.DrainRate / d.BareRate) : double.NaN,
            Suite.Median(runs.Select(d => Stats.Percentile(d.BusyAlarms, 50) / Stats.Percentile(d.IdleAlarms, 50))),
            Suite.Median(runs.Select(d => Stats.Percentile(d.BusyAlarms, 99) / Stats.Percentile(d.IdleAlarms, 99))));
    }

    /// <summary>Median over runs of each run's median and p99.</summary>
    private sealed record Summary(double Median, double P99)
    {
        public string Text => F($"{Median:0.00} / {P99:0.00}");

        public static Summary Of(IEnumerable<IReadOnlyList<double>> runs)
        {
            var list = runs.Where(r => r.Count > 0).ToList();
            return new Summary(Suite.Median(list.Select(r => Stats.Percentile(r, 50))), Suite.Median(list.Select(r => Stats.Percentile(r, 99))));
        }
    }
}
