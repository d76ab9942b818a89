using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeGateway.IntegrationTests;

/// <summary>deploy/systemd/edge-gateway.service, checked offline with systemd-analyze (systemd does not run here).</summary>
public sealed partial class UnitFileTests
{
    /// <summary>The issue's ceiling for <c>systemd-analyze security</c>.</summary>
    private const double MaxExposure = 2.0;

    private static string UnitFile => Path.Combine(SecureBroker.RepositoryRoot, "deploy", "systemd", "edge-gateway.service");

    [Fact]
    public async Task SecurityExposure_IsAtMost2()
    {
        var (exit, output) = await RunSystemdAnalyzeAsync("security", "--offline=true", "--no-pager", UnitFile);

        var match = ExposureLine().Match(output);
        Assert.True(match.Success, $"systemd-analyze security printed no exposure level (exit {exit}):\n{output}");
        var exposure = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(exposure <= MaxExposure, $"exposure {exposure} is above {MaxExposure}:\n{output}");
    }

    [Fact]
    public void Unit_HasNotifyWatchdogCredentialsAndHardening()
    {
        var lines = File.ReadAllLines(UnitFile).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("Type=notify", lines);
        Assert.Contains("WatchdogSec=30", lines);
        Assert.Contains("Restart=always", lines);
        Assert.Contains("StateDirectory=edge-gateway", lines);
        Assert.Contains("LoadCredential=mqtt-credentials:/etc/edge-gateway/mqtt-credentials", lines);
        Assert.Contains("LoadCredential=client.key:/etc/edge-gateway/client.key", lines);
        Assert.Contains("NoNewPrivileges=yes", lines);
        // It would break the .NET JIT.
        Assert.DoesNotContain(lines, l => l.StartsWith("MemoryDenyWriteExecute=yes", StringComparison.Ordinal));
    }

    /// <summary>Fails loudly (never skips) when systemd-analyze is missing: .ci/run installs Debian's systemd package.</summary>
    private static async Task<(int Exit, string Output)> RunSystemdAnalyzeAsync(params string[] arguments)
    {
        var executable = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        Assert.True(executable is not null, "systemd-analyze is not installed: apt-get install -y systemd (.ci/run does this)");
        var start = new ProcessStartInfo(executable!, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["SYSTEMD_COLORS"] = "0";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("systemd-analyze did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"Overall exposure level for edge-gateway\.service: (\d+\.\d+)")]
    private static partial Regex ExposureLine();
}
