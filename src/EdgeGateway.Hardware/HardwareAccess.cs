using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Sensors;
using EdgeGateway.Hardware.Board;
using EdgeGateway.Hardware.Sensors;

namespace EdgeGateway.Hardware;

/// <summary>One device or file the gateway opens.</summary>
/// <param name="Path">Absolute path.</param>
/// <param name="DeviceClass">
/// For a character device, the <c>/proc/devices</c> name systemd's <c>DeviceAllow=char-…</c> uses (<c>gpiochip</c>,
/// <c>i2c</c>); null for a file or folder that is only read.
/// </param>
/// <param name="Key">The configuration key (or part) that makes the gateway open it.</param>
public sealed record HardwarePath(string Path, string? DeviceClass, string Key)
{
    public bool IsDevice => DeviceClass is not null;

    /// <summary>The group owning the device node on Raspberry Pi OS (mode 0660), which the service user must be in.</summary>
    public string? Group => DeviceClass switch
    {
        HardwareAccess.GpioChipClass => "gpio",
        HardwareAccess.I2cClass => "i2c",
        _ => null,
    };
}

/// <summary>
/// The one list of the devices and files a configuration makes the gateway open: the GPIO chip, each I2C bus, the
/// 1-Wire folder, the board probe's sysfs files, the device-tree model and the clock's flag file. <c>selftest</c>
/// opens the devices from it, and the unit file's <c>DeviceAllow=</c> and sandbox are checked against it.
/// </summary>
public static class HardwareAccess
{
    public const string GpioChipClass = "gpiochip";
    public const string I2cClass = "i2c";

    public static IReadOnlyList<HardwarePath> For(GpioOptions gpio, SensorsOptions sensors)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        ArgumentNullException.ThrowIfNull(sensors);
        var paths = new List<HardwarePath>();
        if (!gpio.IsSimulated)
        {
            paths.Add(new HardwarePath(GpioChip(gpio.Chip), GpioChipClass, "Gpio:Chip"));
        }

        for (var i = 0; i < sensors.Sensors.Count; i++)
        {
            var sensor = sensors.Sensors[i];
            var key = $"Sensors:{i.ToString(CultureInfo.InvariantCulture)}";
            paths.Add(sensor.Type == SensorOptions.Ds18b20
                ? new HardwarePath(Ds18b20Reader.SysfsRoot, null, $"{key}:Type")
                : new HardwarePath(I2cBus(sensor.Bus), I2cClass, $"{key}:Bus"));
        }

        paths.Add(new HardwarePath(Rooted(BoardCheck.ModelFile), null, "Board (model)"));
        paths.Add(new HardwarePath(Rooted(SysfsBoardProbe.ThermalZone), null, "Board (temperature)"));
        paths.Add(new HardwarePath(Rooted(SysfsBoardProbe.Throttled), null, "Board (throttling)"));
        paths.Add(new HardwarePath(Rooted(SysfsBoardProbe.Hwmon), null, "Board (under-voltage)"));
        paths.Add(new HardwarePath(ClockSyncDetector.TimesyncdFlagFile, null, "clock"));
        return paths.DistinctBy(p => p.Path).ToList();
    }

    /// <summary><c>gpiochipN</c> under <paramref name="dev"/> (a test points it at a folder of its own).</summary>
    public static string GpioChip(int chip, string dev = "/dev") => Path.Combine(dev, "gpiochip" + chip.ToString(CultureInfo.InvariantCulture));

    /// <summary><c>i2c-N</c> under <paramref name="dev"/>.</summary>
    public static string I2cBus(int bus, string dev = "/dev") => Path.Combine(dev, "i2c-" + bus.ToString(CultureInfo.InvariantCulture));

    private static string Rooted(string relative) => "/" + relative;
}
