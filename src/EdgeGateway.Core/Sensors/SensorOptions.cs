namespace EdgeGateway.Core.Sensors;

/// <summary>One sensor, as an installer writes it in the <c>Sensors</c> array.</summary>
public sealed class SensorOptions
{
    public const string Ds18b20 = "ds18b20";
    public const string Sht3x = "sht3x";
    public const string Bme280 = "bme280";

    /// <summary>Stable id, the <c>sensor</c>/<c>input</c> field of its messages, for example <c>cold-room</c>. Required.</summary>
    public string Id { get; set; } = "";

    /// <summary><c>ds18b20</c> (1-Wire), <c>sht3x</c> or <c>bme280</c> (I2C). Required.</summary>
    public string Type { get; set; } = "";

    /// <summary>I2C bus number (<c>/dev/i2c-N</c>); the header's SDA/SCL (GPIO 2/3) are bus 1.</summary>
    /// <value>Default 1.</value>
    public int Bus { get; set; } = 1;

    /// <summary>I2C address, hex (<c>"0x44"</c>) or decimal.</summary>
    /// <value>Default null: 0x44 for sht3x, 0x76 for bme280 (the usual breakout strapping).</value>
    public string? Address { get; set; }

    /// <summary>1-Wire device id, the folder under <c>/sys/bus/w1/devices</c>, for example <c>28-0316a2794aff</c>.</summary>
    /// <value>Default null: the only DS18B20 on the bus (an error at read time if there are several).</value>
    public string? DeviceId { get; set; }

    /// <summary>How often the sensor is read.</summary>
    /// <value>Default 10 s.</value>
    public int ReadIntervalSeconds { get; set; } = 10;

    /// <summary>Longest time between two telemetry messages while the sensor answers, however steady it is.</summary>
    /// <value>Default 300 s.</value>
    public int TelemetryIntervalSeconds { get; set; } = 300;

    /// <summary>A temperature change larger than this since the last telemetry message is published at once.</summary>
    /// <value>Default 0.5 °C.</value>
    public double DeadbandC { get; set; } = 0.5;

    /// <summary>A humidity change larger than this (percentage points) is published at once.</summary>
    /// <value>Default 2.</value>
    public double DeadbandPct { get; set; } = 2;

    /// <summary>Alarm when the temperature stays above this for <see cref="MinDurationSeconds"/> (a cold room: 8).</summary>
    /// <value>Default null (no upper limit).</value>
    public double? HighC { get; set; }

    /// <summary>Alarm when the temperature stays below this for <see cref="MinDurationSeconds"/>.</summary>
    /// <value>Default null (no lower limit).</value>
    public double? LowC { get; set; }

    /// <summary>An alarm restores only once the temperature is this far back inside the limit, so it does not chatter.</summary>
    /// <value>Default 0.5 °C.</value>
    public double HysteresisC { get; set; } = 0.5;

    /// <summary>How long a limit must be exceeded before the alarm (a door opened for a delivery is not a breach).</summary>
    /// <value>Default 600 s.</value>
    public int MinDurationSeconds { get; set; } = 600;

    /// <summary>This many failed reads in a row report a <c>fault</c>; the next good read restores it.</summary>
    /// <value>Default 3.</value>
    public int FaultAfterMissedReads { get; set; } = 3;

    /// <summary>Where the sensor is, in words the center shows an operator.</summary>
    public string Location { get; set; } = "";

    /// <summary>The I2C address after applying the per-type default; null for 1-Wire or an unparsable value.</summary>
    public int? I2cAddress => Address is null
        ? Type switch { Sht3x => 0x44, Bme280 => 0x76, _ => null }
        : ParseAddress(Address);

    /// <summary>Parses <c>0x44</c> or <c>68</c>; null if neither.</summary>
    public static int? ParseAddress(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var style = System.Globalization.NumberStyles.None;
        var digits = text.Trim();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[2..];
            style = System.Globalization.NumberStyles.AllowHexSpecifier;
        }

        return int.TryParse(digits, style, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}

/// <summary>The <c>Sensors</c> array of the configuration.</summary>
public sealed class SensorsOptions
{
    public List<SensorOptions> Sensors { get; set; } = [];
}
