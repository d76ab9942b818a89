using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Sensors;

namespace EdgeGateway.Hardware.Sensors;

/// <summary>
/// A DS18B20 through the kernel's w1-therm driver: reads <c>{root}/{device}/w1_slave</c>. This is the file
/// Iot.Device.Bindings' <c>OneWireThermometerDevice</c> reads too, but the binding hard-codes the <c>/sys</c> paths
/// (internal constants), so the gateway reads it itself to keep the root replaceable by a test folder.
/// </summary>
/// <param name="root">The 1-Wire devices folder, <c>/sys/bus/w1/devices</c> on a Pi.</param>
/// <param name="deviceId">Folder of the sensor (<c>28-…</c>), or null for the only DS18B20 present.</param>
public sealed class Ds18b20Reader(string root, string? deviceId) : ISensorReader
{
    /// <summary>Where the w1-gpio overlay publishes 1-Wire devices.</summary>
    public const string SysfsRoot = "/sys/bus/w1/devices";

    /// <summary>The DS18B20's power-on register value, in millidegrees: a conversion that never ran.</summary>
    public const int PowerOnValue = 85_000;

    public SensorReadings Read()
    {
        var file = Path.Combine(DeviceFolder(root, deviceId), "w1_slave");
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SensorReadException($"cannot read {file}: {ex.Message}", ex);
        }

        return new SensorReadings(Parse(text, file) / 1000.0);
    }

    public void Dispose()
    {
        // Nothing held open: every read opens and closes the sysfs file.
    }

    /// <summary>
    /// The w1-therm format: line 1 ends in <c>crc=xx YES</c> when the scratchpad's CRC matched, line 2 ends in
    /// <c>t=</c> millidegrees.
    /// </summary>
    internal static int Parse(string text, string file)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2 || !lines[0].EndsWith("YES", StringComparison.Ordinal))
        {
            throw new SensorReadException($"{file}: CRC check failed (noise on the line or a weak pull-up)");
        }

        var at = lines[1].LastIndexOf("t=", StringComparison.Ordinal);
        if (at < 0 || !int.TryParse(lines[1].AsSpan(at + 2), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var milli))
        {
            throw new SensorReadException($"{file}: no temperature in '{lines[1]}'");
        }

        // 85 °C in a cold room is the register's reset value, not a reading: the conversion did not complete
        // (typically parasite power without the strong pull-up), and reporting it would raise a false alarm.
        if (milli == PowerOnValue)
        {
            throw new SensorReadException($"{file}: 85.0 °C is the power-on value; the conversion did not run");
        }

        return milli;
    }

    /// <summary>
    /// The sensor's folder under <paramref name="root"/>: <paramref name="deviceId"/>'s, or the only <c>28-…</c> one.
    /// Throws <see cref="SensorReadException"/> saying what is missing.
    /// </summary>
    public static string DeviceFolder(string root, string? deviceId)
    {
        if (deviceId is not null)
        {
            var folder = Path.Combine(root, deviceId);
            return Directory.Exists(folder)
                ? folder
                : throw new SensorReadException($"no 1-Wire device {deviceId} under {root} (disconnected, or the w1-gpio overlay is off)");
        }

        var found = Directory.Exists(root) ? Directory.GetDirectories(root, "28-*") : [];
        return found.Length switch
        {
            1 => found[0],
            0 => throw new SensorReadException($"no DS18B20 under {root} (disconnected, or the w1-gpio overlay is off)"),
            _ => throw new SensorReadException(
                $"{found.Length} DS18B20s under {root} ({string.Join(", ", found.Select(Path.GetFileName).Order(StringComparer.Ordinal))}); set DeviceId"),
        };
    }
}
