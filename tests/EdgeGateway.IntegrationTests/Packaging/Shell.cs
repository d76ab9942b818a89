using System.Diagnostics;

namespace EdgeGateway.IntegrationTests.Packaging;

/// <summary>The outcome of one command: its exit code and its standard output and error, interleaved as they came.</summary>
public sealed record ShellResult(int ExitCode, string Output)
{
    public ShellResult AssertSuccess(string what)
    {
        Xunit.Assert.True(ExitCode == 0, $"{what}: exit {ExitCode}\n{Output}");
        return this;
    }
}

/// <summary>Debian's own tools (dpkg, apt, lintian, mtools, qemu), run as an installer would, each under a deadline.</summary>
public static class Shell
{
    public static async Task<ShellResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.WorkingDirectory = workingDirectory ?? ContractSchemasRoot;
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}:\n{string.Join('\n', output)}");
        }

        // The parameterless overload waits until the redirected output has been read to the end.
        process.WaitForExit();
        return new ShellResult(process.ExitCode, string.Join('\n', output));
    }

    public static Task<ShellResult> RunAsync(string program, params string[] arguments) => RunAsync(program, arguments, TimeSpan.FromMinutes(2));

    private static string ContractSchemasRoot => TestKit.ContractSchemas.RepositoryRoot;
}
