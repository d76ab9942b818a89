using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Sensors;

/// <summary>Checks every sensor; each failure names its key.</summary>
public sealed class SensorsOptionsValidator : IValidateOptions<SensorsOptions>
{
    private static readonly string[] s_types = [SensorOptions.Ds18b20, SensorOptions.Sht3x, SensorOptions.Bme280];

    public ValidateOptionsResult Validate(string? name, SensorsOptions options)
    {
        var errors = new ConfigErrors();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new Dictionary<(int Bus, int Address), string>();
        for (var i = 0; i < options.Sensors.Count; i++)
        {
            var sensor = options.Sensors[i];
            var key = $"Sensors:{i}";
            errors.RequireTopicSegment($"{key}:Id", sensor.Id);
            if (sensor.Id.Length > 0 && !ids.Add(sensor.Id))
            {
                errors.Add($"{key}:Id", $"'{sensor.Id}' is already the id of another sensor");
            }

            if (!s_types.Contains(sensor.Type, StringComparer.Ordinal))
            {
                errors.Add($"{key}:Type", sensor.Type.Length == 0
                    ? $"is required (one of {string.Join(", ", s_types)})"
                    : $"'{sensor.Type}' is not one of {string.Join(", ", s_types)}");
            }
            else if (sensor.Type == SensorOptions.Ds18b20)
            {
                if (sensor.DeviceId is { } device && !device.StartsWith("28-", StringComparison.Ordinal))
                {
                    errors.Add($"{key}:DeviceId", $"'{device}' is not a DS18B20 id (family 28, like 28-0316a2794aff)");
                }
            }
            else if (sensor.I2cAddress is not { } address || address is < 0x03 or > 0x77)
            {
                errors.Add($"{key}:Address", $"'{sensor.Address}' is not a 7-bit I2C address (0x03-0x77)");
            }
            else if (addresses.TryGetValue((sensor.Bus, address), out var other))
            {
                errors.Add($"{key}:Address", $"0x{address:x2} on bus {sensor.Bus} is already used by sensor '{other}'");
            }
            else
            {
                addresses[(sensor.Bus, address)] = sensor.Id;
            }

            if (sensor.Bus is < 0 or > 255)
            {
                errors.Add($"{key}:Bus", $"{sensor.Bus} is outside 0-255 (the N of /dev/i2c-N)");
            }

            if (sensor.ReadIntervalSeconds is < 1 or > 3600)
            {
                errors.Add($"{key}:ReadIntervalSeconds", $"{sensor.ReadIntervalSeconds} is outside 1-3600");
            }

            if (sensor.TelemetryIntervalSeconds < sensor.ReadIntervalSeconds || sensor.TelemetryIntervalSeconds > 86_400)
            {
                errors.Add($"{key}:TelemetryIntervalSeconds", $"{sensor.TelemetryIntervalSeconds} is outside ReadIntervalSeconds-86400");
            }

            if (sensor.DeadbandC < 0 || sensor.DeadbandPct < 0 || sensor.HysteresisC < 0)
            {
                errors.Add(sensor.DeadbandC < 0 ? $"{key}:DeadbandC" : sensor.DeadbandPct < 0 ? $"{key}:DeadbandPct" : $"{key}:HysteresisC", "must not be negative");
            }

            if (sensor is { HighC: { } high, LowC: { } low } && high - sensor.HysteresisC <= low + sensor.HysteresisC)
            {
                errors.Add($"{key}:HighC", $"{high} must be above LowC {low} by more than twice HysteresisC");
            }

            if (sensor.MinDurationSeconds is < 0 or > 86_400)
            {
                errors.Add($"{key}:MinDurationSeconds", $"{sensor.MinDurationSeconds} is outside 0-86400");
            }

            if (sensor.FaultAfterMissedReads is < 1 or > 1000)
            {
                errors.Add($"{key}:FaultAfterMissedReads", $"{sensor.FaultAfterMissedReads} is outside 1-1000");
            }
        }

        return errors.ToResult();
    }
}
