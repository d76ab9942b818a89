namespace EdgeGateway.Core.Events;

/// <summary>One successful read of a sensor; a quantity the sensor does not measure is null.</summary>
/// <param name="TemperatureC">Degrees Celsius.</param>
/// <param name="HumidityPct">Relative humidity, percent.</param>
/// <param name="PressureHpa">Barometric pressure, hectopascal.</param>
public sealed record SensorReadings(double? TemperatureC, double? HumidityPct = null, double? PressureHpa = null);

/// <summary>What a telemetry message carries besides the envelope: the sensor's type and its readings.</summary>
/// <param name="SensorType">Configured type, for example <c>ds18b20</c>.</param>
/// <param name="Readings">What was read.</param>
public sealed record TelemetrySample(string SensorType, SensorReadings Readings);
