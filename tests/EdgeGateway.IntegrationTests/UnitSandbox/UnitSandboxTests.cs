using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Sensors;
using EdgeGateway.Hardware;
using EdgeGateway.Host;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.IntegrationTests.UnitSandbox;

/// <summary>
/// deploy/systemd/edge-gateway.service against what the code opens for deploy/config.example.json
/// (<see cref="HardwareAccess"/>): every device and file is let through, nothing else is, and the clock's source is one
/// the unit allows. systemd is not PID 1 here, so the mounts are modelled (<see cref="UnitSandbox"/>) and the system
/// call filter is the real thing, rebuilt with libseccomp from the unit's directives.
/// </summary>
public sealed class UnitSandboxTests
{
    private static readonly UnitDirectives s_unit = UnitDirectives.Read(SystemdAnalyze.UnitFile);
    private static readonly UnitSandbox s_sandbox = new(s_unit);
    private static readonly (IReadOnlyList<HardwarePath> Paths, string DataDirectory) s_example = ExampleConfig();

    [Fact]
    public void ExampleConfig_EveryDeviceItOpens_IsAllowedReadWriteWithItsGroup()
    {
        var devices = s_example.Paths.Where(p => p.IsDevice).ToList();

        Assert.Equal(["/dev/gpiochip0", "/dev/i2c-1"], devices.Select(d => d.Path));
        var groups = s_unit.Words("SupplementaryGroups");
        Assert.All(devices, d =>
        {
            Assert.True(s_sandbox.DeviceAllowing(d) is not null, $"{d.Path} ({d.Key}) is not in the unit's DeviceAllow=");
            Assert.Contains(d.Group!, groups);
        });
    }

    [Fact]
    public void ExampleConfig_EveryFileItReads_IsVisible()
    {
        var files = s_example.Paths.Where(p => !p.IsDevice).ToList();

        Assert.Contains(files, f => f.Path == "/sys/bus/w1/devices");
        Assert.Contains(files, f => f.Path == "/sys/firmware/devicetree/base/model");
        Assert.All(files, f => Assert.True(s_sandbox.WhyUnreadable(f.Path) is null, $"{f.Path} ({f.Key}): hidden by {s_sandbox.WhyUnreadable(f.Path)}"));

        // Where the board model was read before: the reserved-pin warning never appeared under the unit.
        Assert.Equal("ProcSubset=pid (only the processes' entries in /proc)", s_sandbox.WhyUnreadable("/proc/device-tree/model"));
    }

    [Fact]
    public void Unit_AllowsNothingTheExampleConfigDoesNotNeed()
    {
        var devices = s_example.Paths.Where(p => p.IsDevice).ToList();

        Assert.All(s_unit.All("DeviceAllow"), entry => Assert.True(
            devices.Any(d => s_sandbox.DeviceAllowing(d) == entry), $"DeviceAllow={entry} is opened by nothing in the example config"));
        Assert.Equal(devices.Select(d => d.Group!).Distinct().Order(StringComparer.Ordinal), s_unit.Words("SupplementaryGroups").Order(StringComparer.Ordinal));
        Assert.Equal("closed", s_unit.Last("DevicePolicy"));
        Assert.Null(s_sandbox.DeviceAllowing(new HardwarePath("/dev/mem", "mem", "none")));

        // ProtectSystem=strict: the outbox's directory is the only place written, and only the files read are visible.
        Assert.Equal(["/var/lib/edge-gateway"], s_sandbox.WritableExemptions());
        Assert.True(s_sandbox.CanWrite(Path.Combine(s_example.DataDirectory, "outbox.db")));
        Assert.All(s_example.Paths.Where(p => !p.IsDevice), p => Assert.False(s_sandbox.CanWrite(p.Path), $"{p.Path} is writable"));
        Assert.Empty(s_unit.All("ReadWritePaths"));
        Assert.Empty(s_unit.All("BindPaths"));
        Assert.True(s_unit.IsOn("ProtectKernelTunables"));
        Assert.Equal("pid", s_unit.Last("ProcSubset"));
    }

    [Fact]
    public void ClockFlagFile_IsReadableButNotWritableUnderTheUnit()
    {
        Assert.Null(s_sandbox.WhyUnreadable(ClockSyncDetector.TimesyncdFlagFile));
        Assert.False(s_sandbox.CanWrite(ClockSyncDetector.TimesyncdFlagFile));
        Assert.Contains(s_example.Paths, p => p.Path == ClockSyncDetector.TimesyncdFlagFile);
    }

    /// <summary>
    /// The EPERM, reproduced: adjtimex answers on an ordinary thread and is refused under the unit's own system
    /// call filter (@system-service less @clock for ProtectClock=yes, errors EPERM), where the detector then answers from
    /// the timesyncd flag file. A temporary file stands in for /run/systemd/timesync/synchronized, whose visibility is
    /// checked by <see cref="ClockFlagFile_IsReadableButNotWritableUnderTheUnit"/>.
    /// </summary>
    [Fact]
    public async Task ClockDetection_UnderTheUnitsSystemCallFilter_AnswersFromTimesyncdNotAdjtimex()
    {
        var allowed = await SystemdAnalyze.AllowedSyscallsAsync(s_unit);
        Assert.Equal("EPERM", s_unit.Last("SystemCallErrorNumber"));
        Assert.DoesNotContain("adjtimex", allowed);
        Assert.Contains("newfstatat", allowed);
        var directory = Directory.CreateTempSubdirectory("clock-sync-").FullName;
        var flag = Path.Combine(directory, "synchronized");
        var kernel = new AdjtimexKernelClock();
        var time = new FakeTimeProvider();

        var outside = kernel.Read();
        var (refused, withoutFlag, withFlag) = await Seccomp.RunFilteredAsync(allowed, KernelClockReading.PermissionDenied, () =>
        {
            var reading = kernel.Read();
            var before = new ClockSyncDetector(time, flag, kernel).Detect();
            File.WriteAllBytes(flag, []);
            return (reading, before, new ClockSyncDetector(time, flag, kernel).Detect());
        });

        Assert.False(outside.Refused, $"adjtimex failed outside the filter (errno {outside.Errno}): this machine cannot show the difference");
        Assert.True(refused.Refused);
        Assert.Equal(KernelClockReading.PermissionDenied, refused.Errno);
        Assert.Equal(new ClockSyncStatus(false, ClockSyncDetector.NoSource, withoutFlag.Detail), withoutFlag);
        Assert.Contains("adjtimex is refused (errno 1", withoutFlag.Detail, StringComparison.Ordinal);
        Assert.True(withFlag.Synchronized);
        Assert.Equal(ClockSyncDetector.TimesyncdSource, withFlag.Source);
        Directory.Delete(directory, recursive: true);
    }

    private static (IReadOnlyList<HardwarePath>, string) ExampleConfig()
    {
        using var host = GatewayHost.Build(Path.Combine(SecureBroker.RepositoryRoot, "deploy", "config.example.json"));
        var services = host.Services;
        return (
            HardwareAccess.For(services.GetRequiredService<IOptions<GpioOptions>>().Value, services.GetRequiredService<IOptions<SensorsOptions>>().Value),
            services.GetRequiredService<IOptions<GatewayOptions>>().Value.DataDirectory);
    }
}
