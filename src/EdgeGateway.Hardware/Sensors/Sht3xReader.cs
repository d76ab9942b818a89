using System.Device.I2c;
using EdgeGateway.Core.Events;
using Iot.Device.Sht3x;

namespace EdgeGateway.Hardware.Sensors;

/// <summary>An SHT3x (temperature, humidity) through Iot.Device.Bindings' <see cref="Sht3x"/>.</summary>
public sealed class Sht3xReader(Func<I2cDevice> open) : I2cSensorReader<Sht3x>(open)
{
    // The binding keeps the previous value when a reply fails its CRC; the guard turns that into a failed read,
    // so a noisy cable shows up as a fault instead of a frozen temperature.
    protected override Sht3x Create(I2cDevice device) => new(new Sht3xCrcGuard(device));

    protected override SensorReadings Measure(Sht3x binding) =>
        new(binding.Temperature.DegreesCelsius, binding.Humidity.Percent);
}
