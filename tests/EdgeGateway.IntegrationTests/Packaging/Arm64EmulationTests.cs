using System.Diagnostics;
using EdgeGateway.TestKit;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests.Packaging;

/// <summary>
/// The Pi's build exercised, not only built: the linux-arm64 program of the package runs under Debian's user-mode
/// emulator (qemu-user-static, run directly with -L / over the arm64 libc6, libstdc++6 and libssl3, so binfmt_misc need
/// not be registered), next to the native linux-x64 build of the same release.
/// </summary>
[Collection(DebianPackageCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class Arm64EmulationTests(DebianPackages packages, ITestOutputHelper output)
{
    private const int Presses = 15;
    // The emulated program JIT-compiles under qemu: its start takes tens of seconds on a busy 2-core machine.
    private static readonly TimeSpan s_wait = TimeSpan.FromMinutes(4);

    private string[] Emulated => ["qemu-aarch64-static", "-L", "/", packages.Arm64Binary];

    [Fact]
    public async Task Arm64Program_UnderEmulation_PrintsItsVersion_AndChecksTheExampleConfigLikeNative()
    {
        var version = (await Shell.RunAsync(Emulated[0], [.. Emulated[1..], "--version"], TimeSpan.FromMinutes(2))).AssertSuccess("arm64 --version");
        Assert.StartsWith("0.1.0", version.Output, StringComparison.Ordinal);
        // ELF e_machine (offset 18, little-endian) 183 = EM_AARCH64: it really is the Pi's program that ran.
        var header = new byte[20];
        await using (var binary = File.OpenRead(packages.Arm64Binary))
        {
            await binary.ReadExactlyAsync(header);
        }

        Assert.Equal(183, BitConverter.ToUInt16(header, 18));

        // The example names files the installer adds (CA, certificate, password): exit 78 naming each, as on the Pi.
        var example = Path.Combine(ContractSchemas.RepositoryRoot, "deploy", "config.example.json");
        var emulated = await Shell.RunAsync(Emulated[0], [.. Emulated[1..], "check-config", "--config", example], TimeSpan.FromMinutes(2));
        var native = await Shell.RunAsync(packages.X64Binary, ["check-config", "--config", example], TimeSpan.FromMinutes(1));

        output.WriteLine(emulated.Output);
        Assert.Equal(78, emulated.ExitCode);
        Assert.Equal(native.ExitCode, emulated.ExitCode);
        Assert.Equal(native.Output, emulated.Output);
        Assert.Contains("Mqtt:CaFile", emulated.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arm64Program_UnderEmulation_PressesReachASubscriber_LatencyAgainstNative()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();

        var emulated = await PressAsync(center, broker.Port, "gw-arm64", Emulated);
        var native = await PressAsync(center, broker.Port, "gw-x64", [packages.X64Binary]);

        output.WriteLine($"press -> subscriber, {Presses} presses each: arm64 under qemu-user median {Median(emulated):0.0} ms (max {emulated.Max():0.0}), native x64 median {Median(native):0.0} ms (max {native.Max():0.0})");
        Assert.Equal(Presses, Alarms(center, "gw-arm64", "active"));
        Assert.Equal(Presses, Alarms(center, "gw-x64", "active"));
    }

    /// <summary>Triggers a (non-latching) smoke input and times each from the sim-socket command to the subscriber.</summary>
    private static async Task<List<double>> PressAsync(MqttRecorder center, int brokerPort, string gatewayId, string[] command)
    {
        var directory = Directory.CreateTempSubdirectory($"edge-gateway-{gatewayId}-").FullName;
        var config = GatewayProcess.SimulatedConfig(directory, brokerPort, [Gateway.Input("canteen-smoke", 17, "smoke")]);
        GatewayProcess.Section(config, "Gateway")["GatewayId"] = gatewayId;
        await using var gateway = new GatewayProcess(directory, config, command) { StartupTimeout = s_wait };
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On($"{gatewayId}/status").Any(m => m.Json.GetProperty("state").GetString() == "online"), s_wait);

        var latencies = new List<double>();
        for (var press = 1; press <= Presses; press++)
        {
            var started = Stopwatch.GetTimestamp();
            Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
            await GatewayProcess.WaitUntilAsync(() => Alarms(center, gatewayId, "active") == press, s_wait);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.Equal("ok", await gateway.SimAsync("set 17 high"));
            await GatewayProcess.WaitUntilAsync(() => Alarms(center, gatewayId, "restored") == press, s_wait);
        }

        await gateway.StopAsync();
        return latencies;
    }

    /// <summary>Distinct alarms in a state (an alarm nobody acks is published again with the same id).</summary>
    private static int Alarms(MqttRecorder center, string gatewayId, string state) =>
        center.On($"{gatewayId}/alarm").Where(m => m.Json.GetProperty("state").GetString() == state).Select(m => m.Json.GetProperty("id").GetString()).Distinct().Count();

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
