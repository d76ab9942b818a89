using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Sensors;

/// <summary>Checks every sensor; each failure names its key.</summary>
public sealed class SensorsOptionsValidator : IValidateOptions<SensorsOptions>
{
    /// <summary>The widest range of the supported sensors (DS18B20: -55 to 125 °C); a limit outside it can never trip.</summary>
    public const double MinTemperatureC = -55;

    public const double MaxTemperatureC = 125;

    /// <summary>A larger deadband or hysteresis would hide every change a room's temperature makes.</summary>
    public const double MaxDeadbandC = 20;

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

            errors.RequireRange($"{key}:Bus", sensor.Bus, 0, 255, "the N of /dev/i2c-N");
            errors.RequireRange($"{key}:ReadIntervalSeconds", sensor.ReadIntervalSeconds, 1, 3600);
            errors.RequireRange($"{key}:TelemetryIntervalSeconds", sensor.TelemetryIntervalSeconds, Math.Max(1, sensor.ReadIntervalSeconds), 86_400, "at least ReadIntervalSeconds");
            errors.RequireRange($"{key}:DeadbandC", sensor.DeadbandC, 0, MaxDeadbandC);
            errors.RequireRange($"{key}:DeadbandPct", sensor.DeadbandPct, 0, 100, "percentage points");
            errors.RequireRange($"{key}:HysteresisC", sensor.HysteresisC, 0, MaxDeadbandC);
            if (sensor.HighC is { } highC)
            {
                errors.RequireRange($"{key}:HighC", highC, MinTemperatureC, MaxTemperatureC, "what the sensors measure");
            }

            if (sensor.LowC is { } lowC)
            {
                errors.RequireRange($"{key}:LowC", lowC, MinTemperatureC, MaxTemperatureC, "what the sensors measure");
            }

            if (sensor is { HighC: { } high, LowC: { } low } && high - sensor.HysteresisC <= low + sensor.HysteresisC)
            {
                errors.Add($"{key}:HighC", $"{high} must be above LowC {low} by more than twice HysteresisC");
            }

            errors.RequireRange($"{key}:MinDurationSeconds", sensor.MinDurationSeconds, 0, 86_400);
            errors.RequireRange($"{key}:FaultAfterMissedReads", sensor.FaultAfterMissedReads, 1, 1000);
        }

        return errors.ToResult();
    }
}
