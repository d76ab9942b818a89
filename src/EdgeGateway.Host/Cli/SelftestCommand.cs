using System.Globalization;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Sensors;
using EdgeGateway.Hardware;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Connection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Cli;

/// <summary>One row of the selftest table; <see cref="Bit"/> is set in the exit code when it failed.</summary>
public sealed record SelftestCheck(string Name, int Bit, string Result, string Detail)
{
    public bool Failed => Result == SelftestCommand.Fail;
}

/// <summary>
/// <c>edge-gateway selftest --config FILE</c>: what an installer checks on site before enabling the service. Runs
/// beside a running gateway without disturbing it (no GPIO lines claimed, the outbox file not opened, its own MQTT
/// client id). Exit code: 0, or the sum of the failed checks' bits. With <c>--publish</c> (first boot, service not yet
/// started) the table also goes to the center, retained, on <c>…/commissioning</c>; if it cannot, bit 128 is set.
/// </summary>
public static class SelftestCommand
{
    public const string Pass = "pass";
    public const string Fail = "FAIL";
    public const string Skip = "skip";

    /// <summary>Passed here, but the service will not see the same: shown, not counted in the exit code.</summary>
    public const string Warn = "warn";

    public const int ConfigBit = 1;
    public const int PinsBit = 2;
    public const int DataBit = 4;
    public const int ClockBit = 8;
    public const int BrokerBit = 16;
    public const int TlsAuthBit = 32;
    public const int RoundTripBit = 64;
    public const int PublishBit = 128;

    /// <summary>The data directory needs at least this much free space (the outbox during a long outage).</summary>
    public const long MinimumFreeBytes = 100L * 1024 * 1024;

    public static async Task<int> RunAsync(string configFile, bool publish, TextWriter output, CancellationToken cancellationToken, ClockSyncDetector? clock = null)
    {
        clock ??= new ClockSyncDetector(TimeProvider.System);
        var checks = await CheckAsync(configFile, clock, cancellationToken);
        Print(configFile, checks, output);
        var exitCode = checks.Where(c => c.Failed).Sum(c => c.Bit);
        if (!publish)
        {
            return exitCode;
        }

        var published = await PublishAsync(configFile, checks, exitCode, clock, cancellationToken);
        output.WriteLine($"commissioning: {(published.Passed ? "sent" : "NOT sent")}, {published.Detail}");
        return published.Passed ? exitCode : exitCode | PublishBit;
    }

    /// <summary>The table as the retained commissioning message; only possible when the config is valid and the broker took the login.</summary>
    private static async Task<ProbeResult> PublishAsync(string configFile, IReadOnlyList<SelftestCheck> checks, int exitCode, IClockSync clock, CancellationToken cancellationToken)
    {
        if (checks.Any(c => c.Failed && c.Bit is ConfigBit or BrokerBit or TlsAuthBit))
        {
            return new ProbeResult(false, "the center cannot be reached with this config (see the table)");
        }

        using var host = GatewayHost.Build(configFile);
        var services = host.Services;
        var identity = services.GetRequiredService<GatewayIdentity>();
        var time = services.GetRequiredService<TimeProvider>();
        var payload = CommissioningPayload.Serialize(identity, time.GetUtcNow(), clock.IsSynchronized, exitCode, checks.Select(c => new CommissioningCheck(c.Name, c.Result, c.Detail)));
        return await CommissioningPublisher.PublishAsync(services.GetRequiredService<IOptions<MqttOptions>>().Value, identity, payload, time, cancellationToken);
    }

    public static async Task<IReadOnlyList<SelftestCheck>> CheckAsync(string configFile, ClockSyncDetector clock, CancellationToken cancellationToken)
    {
        var checks = new List<SelftestCheck>();
        IServiceProvider services;
        try
        {
            using var host = GatewayHost.Build(configFile);
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            services = host.Services;
            checks.Add(new SelftestCheck("config", ConfigBit, Pass, $"{configFile} is valid"));
            checks.Add(Pins(services));
            checks.Add(DataDirectory(services.GetRequiredService<IOptions<GatewayOptions>>().Value.DataDirectory));
            checks.Add(Clock(clock.Detect()));
            checks.AddRange(await BrokerAsync(services, cancellationToken));
        }
        catch (Exception ex) when (ConfigProblems.From(ex) is { } problems)
        {
            checks.Add(new SelftestCheck("config", ConfigBit, Fail, string.Join("; ", problems)));
            foreach (var (name, bit) in new[] { ("pins", PinsBit), ("data-dir", DataBit), ("clock", ClockBit), ("broker", BrokerBit), ("tls+auth", TlsAuthBit), ("round-trip", RoundTripBit) })
            {
                checks.Add(new SelftestCheck(name, bit, Skip, "needs a valid config"));
            }
        }

        return checks;
    }

    public static void Print(string configFile, IReadOnlyList<SelftestCheck> checks, TextWriter output)
    {
        output.WriteLine($"edge-gateway selftest ({configFile})");
        output.WriteLine($"  {"check",-11} {"result",-6}  detail");
        foreach (var check in checks)
        {
            output.WriteLine($"  {check.Name,-11} {check.Result,-6}  {check.Detail}");
        }

        var failed = checks.Where(c => c.Failed).ToList();
        output.WriteLine(failed.Count == 0
            ? "all checks passed (exit 0)"
            : $"{failed.Count} failed: {string.Join(", ", failed.Select(c => c.Name))} (exit {failed.Sum(c => c.Bit)} = sum of 1 config, 2 pins, 4 data-dir, 8 clock, 16 broker, 32 tls+auth, 64 round-trip)");
    }

    /// <summary>
    /// The clock as the service will see it: the same detector, but adjtimex (the only source chrony and ntpd keep)
    /// answers here and not in the service, whose unit refuses it (ProtectClock=yes).
    /// </summary>
    internal static SelftestCheck Clock(ClockSyncStatus status) => status switch
    {
        { Synchronized: true, Source: ClockSyncDetector.AdjtimexSource } => new SelftestCheck(
            "clock",
            ClockBit,
            Warn,
            $"{status.Detail}, but the service's unit refuses adjtimex (ProtectClock=yes) and {ClockSyncDetector.TimesyncdFlagFile} "
            + "does not exist: the service will send \"synced\": false. Use systemd-timesyncd, or see deploy/systemd/README.md (chrony, ntpd)"),
        { Synchronized: true } => new SelftestCheck("clock", ClockBit, Pass, $"{status.Detail}; the service sees the same"),
        _ => new SelftestCheck("clock", ClockBit, Fail, $"{status.Detail}. Check network time (timedatectl); events go out with \"synced\": false"),
    };

    /// <summary>Opens every device the configuration needs (<see cref="HardwareAccess"/>); opening claims no line or bus.</summary>
    private static SelftestCheck Pins(IServiceProvider services)
    {
        var gpio = services.GetRequiredService<IOptions<GpioOptions>>().Value;
        var pins = string.Join(", ", services.GetRequiredService<IOptions<InputsOptions>>().Value.Inputs.Select(i => $"{i.Id}={i.Pin}"));
        var devices = HardwareAccess.For(gpio, services.GetRequiredService<IOptions<SensorsOptions>>().Value).Where(p => p.IsDevice).ToList();
        var failures = new List<string>();
        foreach (var device in devices)
        {
            try
            {
                using var stream = new FileStream(device.Path, FileMode.Open, FileAccess.ReadWrite);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{device.Path}: {ex.Message} ({device.Key}{(device.DeviceClass == HardwareAccess.GpioChipClass ? "; on a Pi 5 see src/EdgeGateway.Hardware/README.md" : "")})");
            }
        }

        var opened = devices.Count == 0 ? "simulated GPIO" : $"{string.Join(", ", devices.Select(d => d.Path))} accessible";
        return failures.Count == 0
            ? new SelftestCheck("pins", PinsBit, Pass, $"{opened} ({pins})")
            : new SelftestCheck("pins", PinsBit, Fail, string.Join("; ", failures));
    }

    private static SelftestCheck DataDirectory(string directory)
    {
        try
        {
            InstallChecks.ProbeWrite(directory);
            var free = new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
            var freeText = string.Create(CultureInfo.InvariantCulture, $"{free / (1024.0 * 1024 * 1024):0.0} GiB free");
            return free >= MinimumFreeBytes
                ? new SelftestCheck("data-dir", DataBit, Pass, $"{directory} writable (fsync), {freeText}")
                : new SelftestCheck("data-dir", DataBit, Fail, $"{directory}: only {freeText}; needs {MinimumFreeBytes / (1024 * 1024)} MiB");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new SelftestCheck("data-dir", DataBit, Fail, $"{directory}: {ex.Message} (Gateway:DataDirectory)");
        }
    }

    private static async Task<IEnumerable<SelftestCheck>> BrokerAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var probe = new MqttProbe(
            services.GetRequiredService<IOptions<MqttOptions>>().Value,
            services.GetRequiredService<GatewayIdentity>(),
            services.GetRequiredService<TimeProvider>());
        var tcp = await probe.TcpAsync(cancellationToken);
        if (!tcp.Passed)
        {
            return
            [
                new SelftestCheck("broker", BrokerBit, Fail, tcp.Detail),
                new SelftestCheck("tls+auth", TlsAuthBit, Fail, "skipped: broker not reachable"),
                new SelftestCheck("round-trip", RoundTripBit, Fail, "skipped: broker not reachable"),
            ];
        }

        var (connect, roundTrip) = await probe.ConnectAndRoundTripAsync(cancellationToken);
        return
        [
            new SelftestCheck("broker", BrokerBit, Pass, tcp.Detail),
            new SelftestCheck("tls+auth", TlsAuthBit, connect.Passed ? Pass : Fail, connect.Detail),
            new SelftestCheck("round-trip", RoundTripBit, roundTrip.Passed ? Pass : Fail, roundTrip.Detail),
        ];
    }
}
