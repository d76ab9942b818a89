using System.Diagnostics;
using System.Net.Sockets;

namespace EdgeGateway.TestKit;

/// <summary>
/// A real Mosquitto on a free loopback port, with persistence in a temp folder, that a test can stop and restart
/// (same port, same persisted sessions). Needs the <c>mosquitto</c> package (.ci/run installs it).
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _configFile;
    private int[] _otherListeners = [];
    private Process? _process;

    private MosquittoBroker(string directory, int port, IEnumerable<string> listenerConfig, bool allowAnonymous, MosquittoLimits limits)
        : this(directory, port, $"""
            listener {port} 127.0.0.1
            allow_anonymous {(allowAnonymous ? "true" : "false")}
            {string.Join('\n', listenerConfig)}
            """, limits)
    {
    }

    private MosquittoBroker(string directory, int port, string config, MosquittoLimits limits)
    {
        _directory = directory;
        Port = port;
        _configFile = Path.Combine(directory, "mosquitto.conf");
        // Mosquitto started as root drops to the 'mosquitto' user: the persistence folder must be writable by it.
        // Mosquitto takes the last of a repeated option: the test's limits come before the caller's lines, so a caller's
        // max_queued_messages (the shipped config's) wins; persistence and logging come after, so the test's win.
        // The shipped broker's delivery settings (no Nagle) come first, so every test runs on them.
        File.WriteAllText(_configFile, $"""
            {string.Join('\n', DeployedDeliverySettings)}
            max_queued_messages 0
            max_inflight_messages {limits.MaxInflightMessages}
            {(limits.MaxPacketSize is { } maxPacketSize ? $"max_packet_size {maxPacketSize}" : "")}

            """ + config + $"""

            persistence true
            persistence_location {directory}/
            autosave_interval 1
            log_dest file {directory}/mosquitto.log
            log_type error
            log_type warning
            log_type notice

            """);
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);
        }
    }

    public int Port { get; }

    /// <summary>
    /// The lines of deploy/mosquitto/mosquitto.conf that shape how the broker delivers (<c>set_tcp_nodelay</c>): every
    /// test broker has them, so a test sees the county broker's delivery, and a change to that file is tested.
    /// </summary>
    public static IReadOnlyList<string> DeployedDeliverySettings { get; } =
        [.. File.ReadLines(Path.Combine(ContractSchemas.RepositoryRoot, "deploy", "mosquitto", "mosquitto.conf"))
            .Where(l => l.StartsWith("set_tcp_nodelay", StringComparison.Ordinal))];

    public string Log => File.Exists(Path.Combine(_directory, "mosquitto.log")) ? File.ReadAllText(Path.Combine(_directory, "mosquitto.log")) : "";

    public static string? Executable => new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }.FirstOrDefault(File.Exists);

    public static Task<MosquittoBroker> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync([], allowAnonymous: true, cancellationToken);

    /// <summary>
    /// A broker with extra lines after the listener (TLS <c>cafile</c>/<c>certfile</c>/<c>require_certificate</c>,
    /// <c>password_file</c>, <c>acl_file</c>, ...). Files it reads must be readable by the <c>mosquitto</c> user.
    /// </summary>
    public static Task<MosquittoBroker> StartAsync(IEnumerable<string> listenerConfig, bool allowAnonymous, CancellationToken cancellationToken = default) =>
        StartAsync(listenerConfig, allowAnonymous, new MosquittoLimits(), cancellationToken);

    /// <summary>A plain broker with its limits set: it announces them in CONNACK (Maximum Packet Size, Receive Maximum).</summary>
    public static Task<MosquittoBroker> StartAsync(MosquittoLimits limits, CancellationToken cancellationToken = default) =>
        StartAsync([], allowAnonymous: true, limits, cancellationToken);

    public static async Task<MosquittoBroker> StartAsync(IEnumerable<string> listenerConfig, bool allowAnonymous, MosquittoLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var directory = Directory.CreateTempSubdirectory("mosquitto-").FullName;
        var broker = new MosquittoBroker(directory, FreePort.Next(), listenerConfig, allowAnonymous, limits);
        await broker.StartAgainAsync(cancellationToken);
        return broker;
    }

    /// <summary>
    /// A broker configured entirely by <paramref name="config"/> (its listeners included, on ports the caller took from
    /// <see cref="FreePort"/>); <see cref="Port"/> is the first of <paramref name="ports"/>, and every start waits until
    /// all of them accept connections (Mosquitto opens its listeners one after the other). Persistence and logging are the test's.
    /// </summary>
    public static async Task<MosquittoBroker> StartAsync(IReadOnlyList<int> ports, string config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var directory = Directory.CreateTempSubdirectory("mosquitto-").FullName;
        var broker = new MosquittoBroker(directory, ports[0], config, new MosquittoLimits()) { _otherListeners = [.. ports.Skip(1)] };
        await broker.StartAgainAsync(cancellationToken);
        return broker;
    }

    /// <summary>Makes the broker re-read its configuration, ACL, password file and certificates (SIGHUP, <c>systemctl reload</c>).</summary>
    public void Reload()
    {
        if (_process is { HasExited: false } process)
        {
            Process.Start("kill", ["-HUP", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
        }
    }

    /// <summary>Starts (or restarts) the broker on the same port and waits until it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        var executable = Executable ?? throw new InvalidOperationException("mosquitto is not installed: apt-get install -y mosquitto mosquitto-clients");
        _process = Process.Start(new ProcessStartInfo(executable, ["-c", _configFile])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("mosquitto did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        foreach (var port in _otherListeners.Prepend(Port))
        {
            await WaitForListenerAsync(_process, port, timeout.Token);
        }
    }

    private async Task WaitForListenerAsync(Process process, int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, cancellationToken);
                return;
            }
            catch (SocketException) when (!process.HasExited)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, cancellationToken);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"mosquitto exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync(cancellationToken)} {Log}");
            }
        }
    }

    /// <summary>Stops the broker cleanly (SIGTERM), so it saves its persistent sessions.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}

/// <summary>Mosquitto's limits for a test broker.</summary>
/// <param name="MaxPacketSize"><c>max_packet_size</c>: larger packets from a client make Mosquitto disconnect it; null: no limit.</param>
/// <param name="MaxInflightMessages"><c>max_inflight_messages</c>, also the Receive Maximum it announces to MQTT 5 clients; 0: no limit.</param>
public sealed record MosquittoLimits(int? MaxPacketSize = null, int MaxInflightMessages = 0);
