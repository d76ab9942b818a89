using System.Device.I2c;
using EdgeGateway.Core.Sensors;

namespace EdgeGateway.Hardware.Sensors;

/// <summary>Readers for the configured sensor types, over the Pi's I2C buses and 1-Wire sysfs folder.</summary>
/// <param name="openI2c">Opens an I2C device; <see cref="I2cDevice.Create"/> on a Pi.</param>
/// <param name="oneWireRoot">The 1-Wire devices folder; <see cref="Ds18b20Reader.SysfsRoot"/> on a Pi.</param>
public sealed class SensorReaderFactory(Func<I2cConnectionSettings, I2cDevice> openI2c, string oneWireRoot) : ISensorReaderFactory
{
    public SensorReaderFactory()
        : this(I2cDevice.Create, Ds18b20Reader.SysfsRoot)
    {
    }

    public ISensorReader Create(SensorOptions sensor)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        return sensor.Type switch
        {
            SensorOptions.Ds18b20 => new Ds18b20Reader(oneWireRoot, sensor.DeviceId),
            SensorOptions.Sht3x => new Sht3xReader(() => openI2c(Settings(sensor))),
            SensorOptions.Bme280 => new Bme280Reader(() => openI2c(Settings(sensor))),
            _ => throw new ArgumentException($"Sensor '{sensor.Id}' has unknown type '{sensor.Type}'", nameof(sensor)),
        };
    }

    private static I2cConnectionSettings Settings(SensorOptions sensor) =>
        new(sensor.Bus, sensor.I2cAddress ?? throw new ArgumentException($"Sensor '{sensor.Id}' has no I2C address", nameof(sensor)));
}
