using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Sensors;
using EdgeGateway.Hardware.Sensors;

namespace EdgeGateway.Hardware;

/// <summary>Where the kernel publishes the devices the gateway opens; a test points them at a folder of its own.</summary>
/// <param name="Dev">The device folder: <c>gpiochipN</c>, <c>i2c-N</c>.</param>
/// <param name="OneWire">The 1-Wire devices folder of the w1-gpio overlay.</param>
public sealed record DeviceRoots(string Dev, string OneWire)
{
    public static DeviceRoots Linux { get; } = new("/dev", Ds18b20Reader.SysfsRoot);
}

/// <summary>
/// Whether the devices the configuration names are there: the GPIO chip (for the libgpiod driver), each I2C sensor's
/// bus, each DS18B20's 1-Wire folder. For <c>check-config</c>, where a missing device is the installer's to fix
/// (wiring, <c>config.txt</c> overlays, <c>Gpio:Chip</c>); the running gateway reports it as a fault and retries instead.
/// </summary>
public static class DevicePresence
{
    /// <summary>One problem per missing device, each naming the key that selects it.</summary>
    public static List<string> Missing(GpioOptions gpio, SensorsOptions sensors, DeviceRoots roots)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        ArgumentNullException.ThrowIfNull(sensors);
        ArgumentNullException.ThrowIfNull(roots);
        var missing = new List<string>();
        if (!gpio.IsSimulated && !File.Exists(HardwareAccess.GpioChip(gpio.Chip, roots.Dev)))
        {
            var explanation = GpioTroubleshooting.Explain(new FileNotFoundException(), gpio.Chip, GpioTroubleshooting.ChipsPresent(roots.Dev));
            missing.Add($"Gpio:Chip: {explanation}");
        }

        for (var i = 0; i < sensors.Sensors.Count; i++)
        {
            var sensor = sensors.Sensors[i];
            if (sensor.Type == SensorOptions.Ds18b20)
            {
                try
                {
                    Ds18b20Reader.DeviceFolder(roots.OneWire, sensor.DeviceId);
                }
                catch (SensorReadException ex)
                {
                    missing.Add($"Sensors:{i}:DeviceId: {ex.Message}");
                }
            }
            else
            {
                var bus = HardwareAccess.I2cBus(sensor.Bus, roots.Dev);
                if (!File.Exists(bus))
                {
                    missing.Add($"Sensors:{i}:Bus: {bus} does not exist (I2C off: dtparam=i2c_arm=on in config.txt for bus 1)");
                }
            }
        }

        return missing;
    }
}
