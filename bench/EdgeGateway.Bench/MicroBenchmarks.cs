using System.Diagnostics;

/// <summary>Runs bench/EdgeGateway.MicroBench (BenchmarkDotNet, short job) and returns its GitHub-markdown tables.</summary>
internal static class MicroBenchmarks
{
    public static async Task<string> RunAsync()
    {
        var artifacts = Directory.CreateTempSubdirectory("edge-gateway-micro-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "run", "-c", "Release", "--project", Path.Combine(Suite.RepositoryRoot(), "bench", "EdgeGateway.MicroBench"), "--", "--job", "short", "--filter", "*", "--exporters", "github", "--artifacts", artifacts })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var reports = Directory.Exists(Path.Combine(artifacts, "results"))
                ? Directory.GetFiles(Path.Combine(artifacts, "results"), "*-report-github.md").Order(StringComparer.Ordinal).ToList()
                : [];
            if (process.ExitCode != 0 || reports.Count == 0)
            {
                return $"Micro-benchmarks failed (exit {process.ExitCode}):\n\n```\n{(await output)[^Math.Min(2000, (await output).Length)..]}\n{await error}\n```";
            }

            return string.Join("\n", reports.Select(File.ReadAllText));
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }
}
