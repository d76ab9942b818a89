using System.Device.I2c;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Sensors;
using Iot.Device.Bmxx80;

namespace EdgeGateway.Hardware.Sensors;

/// <summary>A BME280 (temperature, humidity, pressure) through Iot.Device.Bindings' <see cref="Bme280"/>.</summary>
public sealed class Bme280Reader(Func<I2cDevice> open) : I2cSensorReader<Bme280>(open)
{
    // The constructor checks the chip id (0x60) and reads the calibration; a BMP280 or an empty address throws here.
    protected override Bme280 Create(I2cDevice device) => new(device);

    protected override SensorReadings Measure(Bme280 binding)
    {
        var result = binding.Read();
        return result.Temperature is { } temperature
            ? new SensorReadings(temperature.DegreesCelsius, result.Humidity?.Percent, result.Pressure?.Hectopascals)
            : throw new SensorReadException("BME280 returned no temperature (measurement skipped)");
    }
}
