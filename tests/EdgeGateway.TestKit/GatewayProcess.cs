using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeGateway.TestKit;

/// <summary>
/// <c>edge-gateway run</c> as a separate process with simulated GPIO, driven through its sim socket, as an
/// installer or the center would see it. It can be killed with SIGKILL and started again on the same data.
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly IReadOnlyList<string> _command;
    private Process? _process;

    public GatewayProcess(string directory, object configuration, string entryAssembly)
        : this(directory, configuration, ["dotnet", entryAssembly])
    {
    }

    /// <summary>A gateway started by <paramref name="command"/> (a packaged binary, or one under an emulator), then the verb.</summary>
    public GatewayProcess(string directory, object configuration, IReadOnlyList<string> command)
    {
        Directory = directory;
        _command = command;
        ConfigFile = Path.Combine(directory, "config.json");
        System.IO.Directory.CreateDirectory(directory);
        WriteConfig(configuration);
    }

    /// <summary>Rewrites the config file (takes effect at the next start).</summary>
    public void WriteConfig(object configuration) =>
        File.WriteAllText(ConfigFile, JsonSerializer.Serialize(configuration, new JsonSerializerOptions { WriteIndented = true }));

    public string Directory { get; }

    public string ConfigFile { get; }

    public string SocketPath => Path.Combine(Directory, "data", "gpio-sim.sock");

    public string Output => string.Join('\n', _output);

    /// <summary>Extra environment for the process (for example <c>NOTIFY_SOCKET</c>, <c>WATCHDOG_USEC</c>, <c>CREDENTIALS_DIRECTORY</c>).</summary>
    public IDictionary<string, string?> EnvironmentVariables { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>The running process's id (for /proc and strace).</summary>
    public int ProcessId => _process!.Id;

    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>How long <see cref="StartAsync(CancellationToken)"/> waits for the sim socket (longer under an emulator).</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A config for a simulated-GPIO gateway on <paramref name="brokerPort"/>, with the given inputs. Sections are
    /// dictionaries so a test can add keys (<c>config["Mqtt"]["Secondary"] = …</c>) before the file is written.
    /// </summary>
    public static Dictionary<string, object> SimulatedConfig(string directory, int brokerPort, IEnumerable<object> inputs, int keepAliveSeconds = 10) => new()
    {
        ["Gateway"] = new Dictionary<string, object> { ["SiteId"] = "test-school", ["GatewayId"] = "gw1", ["DataDirectory"] = Path.Combine(directory, "data") },
        ["Mqtt"] = new Dictionary<string, object>
        {
            ["Host"] = "127.0.0.1",
            ["Port"] = brokerPort,
            ["UseTls"] = false,
            ["KeepAliveSeconds"] = keepAliveSeconds,
            ["ReconnectDelayMs"] = 100,
            ["ReconnectMaxDelaySeconds"] = 1,
        },
        ["Gpio"] = new Dictionary<string, object> { ["Driver"] = "simulated" },
        ["Inputs"] = inputs.ToList(),
    };

    public static Dictionary<string, object> Section(Dictionary<string, object> config, string name) => (Dictionary<string, object>)config[name];

    public string DataDirectory => Path.Combine(Directory, "data");

    public Task StartAsync(CancellationToken cancellationToken = default) => StartAsync(["run", "--config", ConfigFile], waitForSocket: true, cancellationToken);

    public async Task StartAsync(string[] arguments, bool waitForSocket, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(_command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var part in _command.Skip(1))
        {
            start.ArgumentList.Add(part);
        }

        // A test runner that is itself a systemd service must not lend its notify socket to the gateways it starts.
        foreach (var inherited in new[] { "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "CREDENTIALS_DIRECTORY" })
        {
            start.Environment.Remove(inherited);
        }

        // Nor the runner's own EDGEGATEWAY_* settings (EDGEGATEWAY_CHAOS_MINUTES): the gateway reads that prefix as
        // config, and strict config refuses a key it does not know.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("EDGEGATEWAY_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (name, value) in EnvironmentVariables)
        {
            start.Environment[name] = value;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("edge-gateway did not start");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (waitForSocket)
        {
            await WaitUntilAsync(() => File.Exists(SocketPath), StartupTimeout, cancellationToken);
        }
    }

    /// <summary>Bytes the running process has caused to be written to storage (<c>write_bytes</c> of /proc/PID/io).</summary>
    public long WrittenBytes()
    {
        var line = File.ReadLines($"/proc/{_process!.Id}/io").First(l => l.StartsWith("write_bytes:", StringComparison.Ordinal));
        return long.Parse(line["write_bytes:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>SIGKILL: no shutdown code runs, as on a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        // A killed process leaves its socket file behind; the next start replaces it.
        File.Delete(SocketPath);
    }

    /// <summary>SIGTERM, as systemd stops the service.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cts.Token);
        // The parameterless overload also waits until the redirected output has been read to the end.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends one sim-socket command (<c>set 17 low</c>) and returns the reply line.</summary>
    public async Task<string> SimAsync(string command, CancellationToken cancellationToken = default)
    {
        using var socket = await ConnectSimAsync(cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\n"), cancellationToken);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync(cancellationToken) ?? "";
    }

    /// <summary>
    /// A sim-socket connection kept open for many commands, as the edges of a wired input arrive on a line already
    /// open: a press timed through it does not include a connect and an accept, which no GPIO edge on a Pi costs.
    /// </summary>
    public async Task<SimSession> OpenSimAsync(CancellationToken cancellationToken = default) =>
        new(await ConnectSimAsync(cancellationToken));

    private Task<Socket> ConnectSimAsync(CancellationToken cancellationToken) => SimSession.ConnectSocketAsync(SocketPath, cancellationToken);

    /// <summary>Event ids the gateway logged as accepted (on disk), keyed by seq.</summary>
    public IReadOnlyDictionary<long, string> AcceptedEvents()
    {
        var accepted = new Dictionary<long, string>();
        foreach (var line in _output)
        {
            var match = AcceptedLine().Match(line);
            if (match.Success)
            {
                accepted[long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)] = match.Groups[2].Value;
            }
        }

        return accepted;
    }

    /// <summary>
    /// Every "accepted" log line in order, over all starts of the process: unlike <see cref="AcceptedEvents"/> it keeps
    /// two different ids that were given the same seq, so a check built on it cannot hide one behind the other.
    /// </summary>
    public IReadOnlyList<AcceptedEvent> AcceptedLog() =>
    [
        .. _output.Select(line => AcceptedLogLine().Match(line)).Where(m => m.Success).Select(m => new AcceptedEvent(
            long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value)),
    ];

    /// <summary>Adds a line of the test's own to the output (a fault injected, a restart), so a failure's output tail reads as a timeline.</summary>
    public void Note(string text) =>
        _output.Enqueue($"{TimeProvider.System.GetUtcNow().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} [test] {text}");

    /// <summary>Waits until <paramref name="count"/> lines of the output contain <paramref name="text"/>; a timeout's message carries the output.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan timeout, int count = 1, CancellationToken cancellationToken = default) =>
        WaitUntilAsync(() => _output.Count(l => l.Contains(text, StringComparison.Ordinal)) >= count, () => $"'{text}' in {count} lines of the gateway's output", timeout, cancellationToken);

    /// <summary>Waits for <paramref name="condition"/>; a timeout says <paramref name="what"/> (asked then) and shows the gateway's output.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, Func<string> what, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            await WaitUntilAsync(condition, timeout, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"not within {timeout}: {what()}. The gateway's output:\n{Output}", ex);
        }
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"condition not met within {timeout}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await KillAsync();
        }

        _process?.Dispose();
    }

    [GeneratedRegex(@"Event seq=(\d+) .* accepted \(id ([0-9a-f-]+)\)")]
    private static partial Regex AcceptedLine();

    [GeneratedRegex(@"Event seq=(\d+) (\S+) (\S+) (\S+) accepted \(id ([0-9a-f-]+)\)")]
    private static partial Regex AcceptedLogLine();
}
