using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using EdgeGateway.TestKit;

/// <summary>One start: process start to systemd READY=1, to the retained online status at a subscriber, and idle resident memory.</summary>
internal sealed record StartRun(double ToReadyMs, double ToConnectedMs, double IdleRssMb);

/// <summary>
/// <c>edge-gateway run</c> under a fake systemd (a datagram socket passed as <c>NOTIFY_SOCKET</c>, as in the
/// NotifySocket integration test). Idle memory is read 3 s after the online status.
/// </summary>
internal static class StartBench
{
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(3);

    /// <summary>One start of <paramref name="command"/>: <c>dotnet edge-gateway.dll</c>, or the shipped single file, on the broker at <paramref name="port"/>; <paramref name="run"/> names its subscriber.</summary>
    public static async Task<StartRun> RunAsync(int port, int run, IReadOnlyList<string> command)
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-start-").FullName;
        try
        {
            await using var gateway = new GatewayProcess(directory, GatewayProcess.SimulatedConfig(directory, port, [new { Id = "p", Pin = 17, Kind = "panic", MaxActivations = 0 }]), command);
            await using var center = new MqttRecorder(port, $"bench-start-{run}", "campus/v1/+/+/status");
            await center.StartAsync();
            var online = new TaskCompletionSource<long>();
            center.Received += m => { if (m.Payload.Contains("\"online\"", StringComparison.Ordinal) && !m.Retained) { online.TrySetResult(Stopwatch.GetTimestamp()); } };

            var socketPath = Path.Combine(directory, "notify.sock");
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(socketPath));
            gateway.EnvironmentVariables["NOTIFY_SOCKET"] = socketPath;
            using var stop = new CancellationTokenSource();
            var ready = ReadyAsync(socket, stop.Token);

            var start = Stopwatch.GetTimestamp();
            await gateway.StartAsync(["run", "--config", gateway.ConfigFile], waitForSocket: false);
            var connectedAt = await online.Task.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);
            var readyAt = await ready.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);
            await Task.Delay(s_settle, TimeProvider.System);
            var rss = Resident.Megabytes(gateway.ProcessId);
            await stop.CancelAsync();
            await gateway.StopAsync();
            return new StartRun(Stopwatch.GetElapsedTime(start, readyAt).TotalMilliseconds, Stopwatch.GetElapsedTime(start, connectedAt).TotalMilliseconds, rss);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<long> ReadyAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (Encoding.UTF8.GetString(buffer, 0, length).Split('\n').Contains("READY=1"))
            {
                return Stopwatch.GetTimestamp();
            }
        }
    }
}

/// <summary>The program the package ships: <c>deploy/publish.sh linux-x64</c> into a directory of its own.</summary>
internal static class ShippedFile
{
    /// <summary>Publishes and returns the single file; throws with the script's output if it fails.</summary>
    public static async Task<string> PublishAsync(string outDirectory)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Suite.RepositoryRoot() };
        start.ArgumentList.Add("deploy/publish.sh");
        start.ArgumentList.Add("linux-x64");
        start.Environment["OUT"] = outDirectory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"deploy/publish.sh linux-x64 did not finish within 15 minutes:\n{await output}\n{await errors}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"deploy/publish.sh linux-x64 failed ({process.ExitCode}):\n{await output}\n{await errors}");
        }

        return Path.Combine(outDirectory, "publish", "linux-x64", "edge-gateway");
    }
}
