using EdgeGateway.Core.Inputs;
using EdgeGateway.Hardware;
using EdgeGateway.Host.Cli;
using EdgeGateway.Mqtt.Connection;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// What check-config refuses that used to pass and break the service: unknown keys and sections, numbers out of
/// range, a name that only looks like loopback; and on this machine, a data directory that cannot be written, socket
/// paths that do not fit and devices that are not there.
/// </summary>
public sealed class CheckConfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edge-gateway-check-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>No devices at all: what a machine without a Pi's overlays has.</summary>
    private DeviceRoots NoDevices => new(Path.Combine(_directory, "dev"), Path.Combine(_directory, "w1"));

    [Fact]
    public void ValidSimulatedConfig_WithLoggingSection_IsOk_Exit0()
    {
        var (exit, output, error) = Check(Config());

        Assert.True(exit == 0, error);
        Assert.EndsWith(": ok", output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void MisspeltKeysAndSections_AreEachNamedWithTheClosestKnownKey_Exit78()
    {
        var (exit, _, error) = Check(Config(
            mqtt: """, "CaFlie": "/etc/edge-gateway/ca.crt", "Secondary": { "Hots": "b.example.org" }""",
            extra: """, "Mqqt": { "Host": "x" }, "Outbox": { "MaxEntires": 1000 }, "Inputs": [ { "Id": "office-panic", "Pin": 17, "Kind": "panic", "Locaton": "Office" } ]"""));

        Assert.Equal(78, exit);
        Assert.Contains("Mqtt:CaFlie: unknown key; did you mean Mqtt:CaFile?", error, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Secondary:Hots: unknown key; did you mean Mqtt:Secondary:Host?", error, StringComparison.Ordinal);
        Assert.Contains("Mqqt: unknown section; did you mean Mqtt?", error, StringComparison.Ordinal);
        Assert.Contains("Outbox:MaxEntires: unknown key; did you mean Outbox:MaxEntries?", error, StringComparison.Ordinal);
        Assert.Contains("Inputs:0:Locaton: unknown key; did you mean Inputs:0:Location?", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(600_000)]
    public void PollIntervalBusyLoopOrBeyondTheAlarmTarget_IsRefused_Exit78(int pollMs)
    {
        var (exit, _, error) = Check(Config(gpio: $""", "PollIntervalMs": {pollMs}"""));

        Assert.Equal(78, exit);
        Assert.Contains($"Gpio:PollIntervalMs: {pollMs} is outside {GpioOptionsValidator.MinPollIntervalMs}-{GpioOptionsValidator.MaxPollIntervalMs}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void PlaintextToANameStartingWith127_IsRefused_Exit78()
    {
        var (exit, _, error) = Check(Config(host: "127.evil.example"));

        Assert.Equal(78, exit);
        Assert.Contains("Mqtt:UseTls: plaintext MQTT to '127.evil.example' is refused", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DataDirectoryThatCannotBeCreated_NamesTheKey_Exit78()
    {
        var file = Path.Combine(_directory, "a-file");
        File.WriteAllText(file, "");

        var (exit, _, error) = Check(Config(dataDirectory: Path.Combine(file, "data")));

        Assert.Equal(78, exit);
        Assert.Contains($"Gateway:DataDirectory: '{Path.Combine(file, "data")}' cannot be written: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DataDirectoryTooLongForItsSockets_NamesTheKey_Exit78()
    {
        var longDirectory = Path.Combine(_directory, new string('d', 60), new string('e', 40));

        var (exit, _, error) = Check(Config(dataDirectory: longDirectory));

        Assert.Equal(78, exit);
        Assert.Contains($"Gateway:DataDirectory: the status socket '{Path.Combine(longDirectory, "status.sock")}' is ", error, StringComparison.Ordinal);
        Assert.Contains($"Gateway:DataDirectory: the simulated GPIO socket '{Path.Combine(longDirectory, "gpio-sim.sock")}' is ", error, StringComparison.Ordinal);
        Assert.Contains("a Unix socket path can have at most 107", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DevicesMissing_NameGpioChipTheI2cBusAndThe1WireDevice_Exit78()
    {
        var (exit, _, error) = Check(Config(gpio: """, "Chip": 0""", driver: "libgpiod", extra: Sensors));

        Assert.Equal(78, exit);
        Assert.Contains("Gpio:Chip: gpiochip0 does not exist (this machine has no gpiochip at all)", error, StringComparison.Ordinal);
        Assert.Contains($"Sensors:0:Bus: {Path.Combine(NoDevices.Dev, "i2c-1")} does not exist", error, StringComparison.Ordinal);
        Assert.Contains("Sensors:1:DeviceId: no 1-Wire device 28-0316a2794aff under", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DevicesPresent_IsOk_Exit0()
    {
        foreach (var path in new[] { "dev/gpiochip0", "dev/i2c-1", "w1/28-0316a2794aff/w1_slave" })
        {
            var full = Path.Combine(_directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, "");
        }

        var (exit, _, error) = Check(Config(gpio: """, "Chip": 0""", driver: "libgpiod", extra: Sensors));

        Assert.True(exit == 0, error);
    }

    [Fact]
    public void ShippedUnit_WatchdogSec_CoversTheLongestWaitsTheConfigAllows()
    {
        // The input loop beats at every poll and the forwarder waits at most half a keepalive for a PUBACK: both must
        // stay below half the unit's WatchdogSec, which is how often a healthy gateway pings.
        var unit = File.ReadAllLines(Path.Combine(ContractSchemas.RepositoryRoot, "deploy", "systemd", "edge-gateway.service"));
        var watchdogSeconds = int.Parse(unit.Single(l => l.StartsWith("WatchdogSec=", StringComparison.Ordinal))["WatchdogSec=".Length..], System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(GpioOptionsValidator.MaxPollIntervalMs / 1000.0 < watchdogSeconds / 2.0);
        Assert.True(MqttOptionsValidator.MaxKeepAliveSeconds / 2.0 <= watchdogSeconds / 2.0);
    }

    [Fact]
    public async Task Run_UnknownKey_RefusesToStart_WithTheSameMessage_Exit78()
    {
        await using var gateway = new GatewayProcess(_directory, new { }, Gateway.EntryAssembly);
        var file = Path.Combine(_directory, "misspelt.json");
        await File.WriteAllTextAsync(file, Config(mqtt: """, "CaFlie": "/etc/edge-gateway/ca.crt" """));

        await gateway.StartAsync(["run", "--config", file], waitForSocket: false);
        var exit = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(78, exit);
        Assert.Contains("Mqtt:CaFlie: unknown key; did you mean Mqtt:CaFile?", gateway.Output, StringComparison.Ordinal);
    }

    private const string Sensors = """
        , "Sensors": [
            { "Id": "dry-store", "Type": "sht3x", "Bus": 1, "Address": "0x44" },
            { "Id": "cold-room", "Type": "ds18b20", "DeviceId": "28-0316a2794aff", "HighC": 8 }
          ]
        """;

    private string Config(string host = "127.0.0.1", string mqtt = "", string driver = "simulated", string gpio = "", string? dataDirectory = null, string extra = "") =>
        $$"""
        {
          "Logging": { "LogLevel": { "Default": "Warning", "EdgeGateway.Mqtt": "Debug" } },
          "Gateway": { "SiteId": "s1", "GatewayId": "gw1", "DataDirectory": "{{dataDirectory ?? DataDirectory}}" },
          "Mqtt": { "Host": "{{host}}", "UseTls": false {{mqtt}} },
          "Gpio": { "Driver": "{{driver}}" {{gpio}} }
          {{(extra.Contains("\"Inputs\"", StringComparison.Ordinal) ? "" : ", \"Inputs\": [ { \"Id\": \"office-panic\", \"Pin\": 17, \"Kind\": \"panic\" } ]")}}
          {{extra}}
        }
        """;

    private (int Exit, string Output, string Error) Check(string json)
    {
        var file = Path.Combine(_directory, $"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = CheckConfigCommand.Run(file, output, error, NoDevices);
        return (exit, output.ToString(), error.ToString());
    }
}
