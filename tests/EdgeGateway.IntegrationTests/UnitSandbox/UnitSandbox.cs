using EdgeGateway.Hardware;

namespace EdgeGateway.IntegrationTests.UnitSandbox;

/// <summary>
/// What a service under <see cref="UnitDirectives"/> can open, modelled on systemd 252's namespace.c and
/// systemd.exec(5) for the directives the shipped unit uses: which paths are hidden (ProtectHome, PrivateTmp,
/// ProcSubset, ProtectKernelTunables, ProtectKernelLogs, InaccessiblePaths), which are writable (ProtectSystem and the
/// paths it exempts) and which device nodes the device cgroup lets through (DevicePolicy, DeviceAllow).
/// </summary>
public sealed class UnitSandbox(UnitDirectives unit)
{
    // ProtectHome=yes, ProtectKernelTunables=yes, ProtectKernelLogs=yes: made inaccessible.
    private static readonly string[] s_homes = ["/home", "/root", "/run/user"];
    private static readonly string[] s_kernelTunablesHidden = ["/proc/kallsyms", "/proc/kcore"];
    private static readonly string[] s_kernelLogs = ["/proc/kmsg", "/dev/kmsg"];

    // DevicePolicy=closed lets these through besides DeviceAllow.
    private static readonly string[] s_pseudoDevices = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/ptmx"];

    /// <summary>Why the service could not read <paramref name="path"/>, or null when it can.</summary>
    public string? WhyUnreadable(string path)
    {
        if (unit.Words("InaccessiblePaths").Select(p => p.TrimStart('-')).FirstOrDefault(p => Under(path, p)) is { } hidden)
        {
            return $"InaccessiblePaths={hidden}";
        }

        if (unit.Last("ProtectHome") is "yes" or "true" && s_homes.Any(h => Under(path, h)))
        {
            return "ProtectHome=yes";
        }

        if (unit.IsOn("PrivateTmp") && (Under(path, "/tmp") || Under(path, "/var/tmp")))
        {
            return "PrivateTmp=yes (a private /tmp)";
        }

        if (unit.Last("ProcSubset") == "pid" && Under(path, "/proc") && !IsProcessEntry(path))
        {
            return "ProcSubset=pid (only the processes' entries in /proc)";
        }

        if (unit.IsOn("ProtectKernelTunables") && s_kernelTunablesHidden.Any(p => Under(path, p)))
        {
            return "ProtectKernelTunables=yes";
        }

        if (unit.IsOn("ProtectKernelLogs") && s_kernelLogs.Any(p => Under(path, p)))
        {
            return "ProtectKernelLogs=yes";
        }

        return null;
    }

    /// <summary>Whether the service may write below <paramref name="path"/> (ProtectSystem=strict and its exemptions).</summary>
    public bool CanWrite(string path)
    {
        if (WhyUnreadable(path) is not null)
        {
            return false;
        }

        if (unit.IsOn("ProtectKernelTunables") && Under(path, "/sys"))
        {
            return false;
        }

        return unit.Last("ProtectSystem") switch
        {
            "strict" => Under(path, "/dev") || Under(path, "/proc") || Under(path, "/sys") || WritableExemptions().Any(w => Under(path, w)),
            _ => throw new NotSupportedException($"ProtectSystem={unit.Last("ProtectSystem")} is not modelled"),
        };
    }

    /// <summary>What ProtectSystem=strict leaves writable: the state, cache, logs and runtime directories and ReadWritePaths.</summary>
    public IReadOnlyList<string> WritableExemptions() =>
    [
        .. unit.Words("StateDirectory").Select(d => $"/var/lib/{d}"),
        .. unit.Words("CacheDirectory").Select(d => $"/var/cache/{d}"),
        .. unit.Words("LogsDirectory").Select(d => $"/var/log/{d}"),
        .. unit.Words("RuntimeDirectory").Select(d => $"/run/{d}"),
        .. unit.Words("ReadWritePaths").Select(p => p.TrimStart('-')),
    ];

    /// <summary>The <c>DeviceAllow=</c> entry that lets <paramref name="device"/> be opened read-write, or null.</summary>
    public string? DeviceAllowing(HardwarePath device)
    {
        if (unit.Last("DevicePolicy") is not ("closed" or "strict"))
        {
            throw new NotSupportedException("DevicePolicy=auto lets every device through: nothing to compare");
        }

        if (unit.IsOn("PrivateDevices"))
        {
            return null;
        }

        return unit.All("DeviceAllow").FirstOrDefault(entry =>
        {
            var (spec, access) = SplitDeviceAllow(entry);
            var matches = spec == device.Path || (device.DeviceClass is { } cls && spec == $"char-{cls}");
            return matches && access.Contains('r', StringComparison.Ordinal) && access.Contains('w', StringComparison.Ordinal);
        });
    }

    /// <summary>Whether the device cgroup lets <paramref name="path"/> through without any DeviceAllow.</summary>
    public static bool IsPseudoDevice(string path) => s_pseudoDevices.Contains(path, StringComparer.Ordinal);

    public static (string Spec, string Access) SplitDeviceAllow(string entry)
    {
        var parts = entry.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (parts[0], parts.Length > 1 ? parts[1] : "rwm");
    }

    private static bool IsProcessEntry(string path)
    {
        var rest = path["/proc".Length..].TrimStart('/');
        var first = rest.Split('/')[0];
        return first.Length > 0 && (first.All(char.IsAsciiDigit) || first is "self" or "thread-self");
    }

    private static bool Under(string path, string root) =>
        path == root || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);
}
