using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Sensors;

namespace EdgeGateway.Hardware.Tests;

/// <summary>check-config's device checks against a folder standing in for /dev and /sys/bus/w1/devices.</summary>
public sealed class DevicePresenceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("eg-devices-").FullName;

    private DeviceRoots Roots => new(Path.Combine(_root, "dev"), Path.Combine(_root, "w1"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Missing_EveryConfiguredDevicePresent_IsEmpty()
    {
        Touch("dev/gpiochip4", "dev/i2c-1", "w1/28-0316a2794aff/w1_slave");

        var missing = DevicePresence.Missing(new GpioOptions { Chip = 4 }, Sensors(Sht3x(bus: 1), Ds18b20("28-0316a2794aff"), Ds18b20(null)), Roots);

        Assert.Empty(missing);
    }

    [Fact]
    public void Missing_GpioChipAbsent_NamesGpioChipAndTheChipsThere()
    {
        Touch("dev/gpiochip0");

        var missing = DevicePresence.Missing(new GpioOptions { Chip = 4 }, Sensors(), Roots);

        var problem = Assert.Single(missing);
        Assert.StartsWith("Gpio:Chip: gpiochip4 does not exist (this board has gpiochip0); Gpio:Chip must name", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_SimulatedDriver_NeedsNoChip()
    {
        Assert.Empty(DevicePresence.Missing(new GpioOptions { Driver = GpioOptions.SimulatedDriver }, Sensors(), Roots));
    }

    [Fact]
    public void Missing_I2cBusAbsent_NamesTheSensorsBusKey()
    {
        Touch("dev/gpiochip0", "dev/i2c-1");

        var missing = DevicePresence.Missing(new GpioOptions(), Sensors(Sht3x(bus: 1), Sht3x(bus: 3)), Roots);

        Assert.Equal([$"Sensors:1:Bus: {Path.Combine(Roots.Dev, "i2c-3")} does not exist (I2C off: dtparam=i2c_arm=on in config.txt for bus 1)"], missing);
    }

    [Fact]
    public void Missing_OneWireDeviceAbsent_OrNoneOrSeveralWithoutDeviceId_NamesTheDeviceIdKey()
    {
        Touch("dev/gpiochip0", "w1/28-aaaaaaaaaaaa/w1_slave", "w1/28-bbbbbbbbbbbb/w1_slave");

        var missing = DevicePresence.Missing(new GpioOptions(), Sensors(Ds18b20("28-0316a2794aff"), Ds18b20(null)), Roots);

        Assert.Equal(2, missing.Count);
        Assert.StartsWith("Sensors:0:DeviceId: no 1-Wire device 28-0316a2794aff under ", missing[0], StringComparison.Ordinal);
        Assert.StartsWith("Sensors:1:DeviceId: 2 DS18B20s under ", missing[1], StringComparison.Ordinal);
        Assert.EndsWith("set DeviceId", missing[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_NoOneWireBusAtAll_NamesTheDeviceIdKeyAndTheOverlay()
    {
        var problem = Assert.Single(DevicePresence.Missing(new GpioOptions { Driver = GpioOptions.SimulatedDriver }, Sensors(Ds18b20(null)), Roots));

        Assert.StartsWith("Sensors:0:DeviceId: no DS18B20 under ", problem, StringComparison.Ordinal);
        Assert.Contains("w1-gpio overlay", problem, StringComparison.Ordinal);
    }

    private static SensorsOptions Sensors(params SensorOptions[] sensors) => new() { Sensors = [.. sensors] };

    private static SensorOptions Sht3x(int bus) => new() { Id = $"s{bus}", Type = SensorOptions.Sht3x, Bus = bus };

    private static SensorOptions Ds18b20(string? deviceId) => new() { Id = deviceId ?? "only", Type = SensorOptions.Ds18b20, DeviceId = deviceId };

    private void Touch(params string[] paths)
    {
        foreach (var path in paths)
        {
            var full = Path.Combine(_root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, "");
        }
    }
}
