using System.Diagnostics;

namespace EdgeGateway.IntegrationTests.UnitSandbox;

/// <summary>Runs Debian's <c>systemd-analyze</c> offline (systemd does not run here); .ci/run installs it.</summary>
public static class SystemdAnalyze
{
    public static string UnitFile => Path.Combine(SecureBroker.RepositoryRoot, "deploy", "systemd", "edge-gateway.service");

    /// <summary>Fails loudly (never skips) when systemd-analyze is missing.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(params string[] arguments)
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

    /// <summary>
    /// The system calls a <c>SystemCallFilter=</c> allow list lets through, its groups expanded with
    /// <c>systemd-analyze syscall-filter</c>, less the <c>@clock</c> group when <c>ProtectClock=yes</c> (which denies it).
    /// </summary>
    public static async Task<IReadOnlySet<string>> AllowedSyscallsAsync(UnitDirectives unit)
    {
        var (exit, output) = await RunAsync("syscall-filter", "--no-pager");
        Assert.True(exit == 0, output);
        var groups = ParseGroups(output);
        var filter = unit.Words("SystemCallFilter");
        Assert.True(filter.Count > 0 && !filter[0].StartsWith('~'), "the unit's SystemCallFilter= is not an allow list: nothing to model");
        var allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in filter)
        {
            Expand(entry, groups, allowed);
        }

        if (unit.IsOn("ProtectClock"))
        {
            var clock = new HashSet<string>(StringComparer.Ordinal);
            Expand("@clock", groups, clock);
            allowed.ExceptWith(clock);
        }

        return allowed;
    }

    private static Dictionary<string, List<string>> ParseGroups(string output)
    {
        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (!raw.StartsWith(' ') && line[0] == '@')
            {
                groups[line] = current = [];
            }
            else
            {
                current?.Add(line);
            }
        }

        return groups;
    }

    private static void Expand(string entry, Dictionary<string, List<string>> groups, HashSet<string> into)
    {
        if (!entry.StartsWith('@'))
        {
            into.Add(entry);
            return;
        }

        Assert.True(groups.ContainsKey(entry), $"systemd-analyze does not know the group {entry}");
        foreach (var member in groups[entry])
        {
            Expand(member, groups, into);
        }
    }
}
