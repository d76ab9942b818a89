using System.Globalization;
using System.Text.RegularExpressions;
using EdgeGateway.IntegrationTests.UnitSandbox;

namespace EdgeGateway.IntegrationTests;

/// <summary>deploy/systemd/edge-gateway.service, checked offline with systemd-analyze (systemd does not run here).</summary>
public sealed partial class UnitFileTests
{
    /// <summary>The issue's ceiling for <c>systemd-analyze security</c>.</summary>
    private const double MaxExposure = 2.0;

    private static string UnitFile => SystemdAnalyze.UnitFile;

    [Fact]
    public async Task SecurityExposure_IsAtMost2()
    {
        var (exit, output) = await SystemdAnalyze.RunAsync("security", "--offline=true", "--no-pager", UnitFile);

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

    [GeneratedRegex(@"Overall exposure level for edge-gateway\.service: (\d+\.\d+)")]
    private static partial Regex ExposureLine();
}
