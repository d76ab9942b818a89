using System.Diagnostics;
using System.Globalization;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests.Chaos;

/// <summary>
/// One chaos run against the gateway as a black box: its process, a real Mosquitto behind a <see cref="TcpProxy"/>,
/// the simulated GPIO socket and a center counting ids. Faults are drawn from a seeded RNG, one episode after
/// another (some nest a second fault or a SIGKILL inside the first) while the guard patrols; then everything
/// recovers and every id the gateway logged as accepted must reach the center.
/// </summary>
internal sealed class ChaosRun(
    int seed,
    MosquittoBroker broker,
    TcpProxy proxy,
    ChaosCenter center,
    GatewayProcess gateway,
    SmallDisk? disk)
{
    /// <summary>Short, so a silent path is noticed (1.5 × keepalive) within a typical freeze.</summary>
    public const int KeepAliveSeconds = 4;

    private static readonly TimeSpan s_startBound = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan s_onlineBound = TimeSpan.FromSeconds(60);

    /// <summary>After the final recovery, how long the gateway has to deliver everything (generous: a loaded machine).</summary>
    private static readonly TimeSpan s_drainBound = TimeSpan.FromSeconds(90);

    private readonly Random _random = new(seed);
    private readonly Stopwatch _clock = new();
    private readonly Dictionary<ChaosFault, int> _injected = Enum.GetValues<ChaosFault>().ToDictionary(f => f, _ => 0);
    private readonly List<string> _timeline = [];
    private readonly List<string> _findings = [];
    private readonly List<ChaosFault> _active = [];
    private string? _filler;
    private bool _down = true;
    private int _starts;
    private int _startFailures;
    private int _exitsOnItsOwn;

    public static IReadOnlyList<object> Inputs { get; } =
    [
        Gateway.Input("office-panic", 17, "panic"),
        Gateway.Input("hall-panic", 18, "panic"),
        Gateway.Input("hall-door", 22, "door"),
        Gateway.Input("store-pir", 24, "intrusion", latch: false),
    ];

    /// <summary>A tmpfs over the data directory for the disk-full faults, or null where mounting needs root and we are not.</summary>
    public static async Task<SmallDisk?> TryMountSmallDiskAsync(string dataDirectory)
    {
        try
        {
            return await SmallDisk.MountAsync(dataDirectory, megabytes: 32);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public async Task<ChaosResult> RunAsync(TimeSpan duration)
    {
        _clock.Start();
        await StartGatewayAsync();
        await GatewayProcess.WaitUntilAsync(() => center.Recorder.On("/status").Any(m => m.Payload.Contains("online", StringComparison.Ordinal)), s_onlineBound);

        var guard = new ChaosGuard(gateway);
        using var patrolEnd = new CancellationTokenSource();
        using var shiftEnd = new CancellationTokenSource();
        var patrol = guard.PatrolAsync(patrolEnd.Token);
        var shift = center.OperateAsync(shiftEnd.Token);

        try
        {
            var chaosStart = _clock.Elapsed;
            var kinds = Enum.GetValues<ChaosFault>().Where(f => f != ChaosFault.DiskFull || disk is not null).ToList();
            // Every kind once first, in a seeded order, so even a short run injects each of them.
            var firstRound = kinds.OrderBy(_ => _random.Next()).ToList();
            for (var episode = 0; _clock.Elapsed - chaosStart < duration; episode++)
            {
                await DelayAsync(Seconds(1, 3.5));
                var fault = episode < firstRound.Count ? firstRound[episode] : Pick(kinds);
                if (fault == ChaosFault.GatewayKill)
                {
                    await KillAndRestartAsync(inside: null);
                }
                else
                {
                    await HoldAsync(fault, kinds, nested: false);
                }

                await RestartIfDownAsync();
            }

            var chaosTime = _clock.Elapsed - chaosStart;
            gateway.Note("chaos over: broker up, path open, disk free");
            await patrolEnd.CancelAsync();
            await patrol;
            // The last press debounced and logged before the accepted ids are read.
            await DelayAsync(TimeSpan.FromSeconds(1.5));
            await RestartIfDownAsync();

            var drain = Stopwatch.StartNew();
            var missing = await WaitForDeliveryAsync(s_drainBound);
            drain.Stop();
            var missingContext = missing.Select(Context).ToList();
            var recoveredByRestart = 0;
            if (missing.Count > 0)
            {
                // Were they still on disk, stuck behind a wedged loop? A fresh start drains whatever the outbox holds.
                gateway.Note($"{missing.Count} accepted ids undelivered after {s_drainBound.TotalSeconds} s: rescue restart");
                await gateway.KillAsync();
                await StartGatewayAsync();
                var stillMissing = (await WaitForDeliveryAsync(TimeSpan.FromSeconds(60))).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
                recoveredByRestart = missing.Count(m => !stillMissing.Contains(m.Id));
            }

            var status = await ChaosStatus.ReadAsync(gateway);
            return new ChaosResult(seed, chaosTime, drain.Elapsed, gateway.AcceptedLog(), center, guard, status)
            {
                Missing = missing,
                MissingContext = missingContext,
                RecoveredByRescueRestart = recoveredByRestart,
                Injected = _injected,
                Starts = _starts,
                StartFailures = _startFailures,
                ExitsOnItsOwn = _exitsOnItsOwn,
                DiskFaultsAvailable = disk is not null,
                Timeline = _timeline,
                Findings = _findings,
            };
        }
        finally
        {
            // Also when the run ends early: no patrol or operator outlives the processes they talk to.
            await patrolEnd.CancelAsync();
            await shiftEnd.CancelAsync();
            await Task.WhenAll(patrol, shift);
        }
    }

    private async Task HoldAsync(ChaosFault fault, IReadOnlyList<ChaosFault> kinds, bool nested)
    {
        var hold = fault switch
        {
            ChaosFault.BrokerFlap => Seconds(1, 6),
            ChaosFault.BrokerFreeze => Seconds(2, 10),
            _ => Seconds(2, 8),
        };
        var began = _clock.Elapsed;
        var events = new List<string>();
        await BeginAsync(fault);
        try
        {
            var firstPart = hold * _random.NextDouble();
            await DelayAsync(firstPart);
            var others = kinds.Where(k => k != fault && k != ChaosFault.GatewayKill).ToList();
            if (!nested && others.Count > 0 && _random.NextDouble() < 0.2)
            {
                var other = others[_random.Next(others.Count)];
                events.Add($"{Name(other)} inside");
                await HoldAsync(other, kinds, nested: true);
            }

            if (_random.NextDouble() < 0.3)
            {
                events.Add(await KillAndRestartAsync(inside: fault) ? "SIGKILL inside" : "SIGKILL inside, start FAILED");
            }

            await DelayAsync(hold - firstPart);
        }
        finally
        {
            await EndAsync(fault);
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"{began.TotalSeconds,7:0.0} s  {Name(fault),-13} {(_clock.Elapsed - began).TotalSeconds,4:0.0} s");
        _timeline.Add(events.Count == 0 ? line : $"{line}  ({string.Join(", ", events)})");
    }

    private async Task BeginAsync(ChaosFault fault)
    {
        _injected[fault]++;
        _active.Add(fault);
        gateway.Note($"chaos: {Name(fault)} begins");
        switch (fault)
        {
            case ChaosFault.BrokerFlap:
                await broker.StopAsync();
                break;
            case ChaosFault.BrokerFreeze:
                proxy.Freeze();
                break;
            case ChaosFault.DiskFull:
                _filler = disk!.FillUp();
                break;
        }
    }

    private async Task EndAsync(ChaosFault fault)
    {
        gateway.Note($"chaos: {Name(fault)} ends");
        _active.Remove(fault);
        switch (fault)
        {
            case ChaosFault.BrokerFlap:
                await broker.StartAgainAsync();
                break;
            case ChaosFault.BrokerFreeze:
                proxy.Thaw();
                break;
            case ChaosFault.DiskFull:
                File.Delete(_filler!);
                break;
        }
    }

    /// <summary>SIGKILL, a pause, a start; false when the start failed inside a fault.</summary>
    private async Task<bool> KillAndRestartAsync(ChaosFault? inside)
    {
        _injected[ChaosFault.GatewayKill]++;
        var began = _clock.Elapsed;
        gateway.Note("chaos: SIGKILL");
        await gateway.KillAsync();
        await DelayAsync(Seconds(0, 1.5));
        if (inside is not null)
        {
            // Inside a fault (a full disk): a gateway that cannot start stays down until the fault ends.
            return await TryStartGatewayAsync();
        }

        await StartGatewayAsync();
        _timeline.Add(string.Create(CultureInfo.InvariantCulture, $"{began.TotalSeconds,7:0.0} s  {Name(ChaosFault.GatewayKill),-13} {(_clock.Elapsed - began).TotalSeconds,4:0.0} s  (down, then started)"));
        return true;
    }

    /// <summary>Starts the gateway outside any fault: a start that fails is a finding, retried twice, then the run ends.</summary>
    private async Task StartGatewayAsync()
    {
        for (var attempt = 1; !await TryStartGatewayAsync(); attempt++)
        {
            if (attempt == 3)
            {
                throw new InvalidOperationException($"seed {seed}: the gateway did not start three times in a row with no fault active; findings:\n{string.Join('\n', _findings)}");
            }

            await DelayAsync(TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>
    /// Starts the gateway and waits for its sim socket. A start that fails (exits, or no socket within the bound) is a
    /// finding; the gateway then stays down until the episode's faults end (<see cref="RestartIfDownAsync"/>).
    /// </summary>
    private async Task<bool> TryStartGatewayAsync()
    {
        var attempt = _starts + _startFailures + 1;
        gateway.Note($"start {attempt}");
        await gateway.StartAsync(["run", "--config", gateway.ConfigFile], waitForSocket: false);
        try
        {
            await GatewayProcess.WaitUntilAsync(() => File.Exists(gateway.SocketPath) || gateway.ExitCode is not null, s_startBound);
        }
        catch (TimeoutException)
        {
            // No socket and still running: a failed start too.
        }

        if (File.Exists(gateway.SocketPath) && gateway.ExitCode is null)
        {
            _starts++;
            _down = false;
            return true;
        }

        _startFailures++;
        _down = true;
        // Give a process that is exiting the time to write its last lines.
        await DelayAsync(TimeSpan.FromMilliseconds(500));
        _findings.Add(string.Create(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds:0.0} s: start {attempt} failed (exit {gateway.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none, no socket"}, faults active: {ActiveFaults()}):\n    {string.Join("\n    ", ErrorLinesSince($"[test] start {attempt}"))}"));
        await gateway.KillAsync();
        return false;
    }

    /// <summary>After an episode: a gateway that exited by itself is a finding; a down one is started again.</summary>
    private async Task RestartIfDownAsync()
    {
        if (!_down && gateway.ExitCode is { } exitCode)
        {
            _exitsOnItsOwn++;
            _findings.Add(string.Create(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds:0.0} s: the gateway exited by itself (exit {exitCode}):\n    {string.Join("\n    ", ErrorLinesSince("[test] start"))}"));
            gateway.Note("gateway exited by itself: started again");
            _down = true;
        }

        if (_down)
        {
            File.Delete(gateway.SocketPath);
            await StartGatewayAsync();
        }
    }

    /// <summary>The error lines of the gateway's output since the last test note starting with <paramref name="note"/>.</summary>
    private IEnumerable<string> ErrorLinesSince(string note)
    {
        var lines = gateway.Output.Split('\n');
        var from = Array.FindLastIndex(lines, l => l.Contains(note, StringComparison.Ordinal));
        return lines[Math.Max(0, from)..]
            .Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal))
            .Where(l => !l.TrimStart().StartsWith("at ", StringComparison.Ordinal))
            .Take(6);
    }

    private string ActiveFaults() => _active.Count == 0 ? "none" : string.Join(", ", _active.Select(Name));

    /// <summary>Waits until every id logged as accepted so far was delivered; returns those still missing at the bound.</summary>
    private async Task<IReadOnlyList<AcceptedEvent>> WaitForDeliveryAsync(TimeSpan bound)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var missing = gateway.AcceptedLog().Where(a => !center.Delivered(a.Id)).DistinctBy(a => a.Id).ToList();
            if (missing.Count == 0 || waited.Elapsed > bound)
            {
                return missing;
            }

            // Reading the whole log is not free: twice a second is plenty for a bound of a minute or more.
            await DelayAsync(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>The gateway's output around the line that accepted this event, with the test's own notes in it.</summary>
    private string Context(AcceptedEvent missing)
    {
        var lines = gateway.Output.Split('\n');
        var at = Array.FindIndex(lines, l => l.Contains($"(id {missing.Id})", StringComparison.Ordinal));
        var around = lines[Math.Max(0, at - 12)..Math.Min(lines.Length, at + 12)];
        return $"seq {missing.Seq} {missing.Input} {missing.Kind} {missing.State} id {missing.Id}:\n    {string.Join("\n    ", around)}";
    }

    private ChaosFault Pick(IReadOnlyList<ChaosFault> kinds) => kinds[_random.Next(kinds.Count)];

    private TimeSpan Seconds(double min, double max) => TimeSpan.FromSeconds(min + ((max - min) * _random.NextDouble()));

    private static Task DelayAsync(TimeSpan delay) => Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, TimeProvider.System);

    private static string Tail(string text, int characters) => text[^Math.Min(characters, text.Length)..];

    internal static string Name(ChaosFault fault) => fault switch
    {
        ChaosFault.GatewayKill => "sigkill",
        ChaosFault.BrokerFlap => "broker-flap",
        ChaosFault.BrokerFreeze => "broker-freeze",
        _ => "disk-full",
    };
}
