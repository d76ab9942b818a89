using System.Globalization;
using EdgeGateway.Core.Health;

namespace EdgeGateway.Hardware.Board;

/// <summary>
/// Board health from files the kernel exposes, without shelling out to <c>vcgencmd</c>:
/// the SoC temperature from the thermal zone, the firmware's throttling flags from <c>get_throttled</c>
/// (Raspberry Pi OS, Pi 3/4), and the <c>rpi_volt</c> hwmon alarm (Pi 4/5 kernels) for under-voltage.
/// </summary>
/// <param name="root">File-system root; <c>/</c> on the Pi, a fake folder in tests.</param>
public sealed class SysfsBoardProbe(string root) : IBoardProbe
{
    public const string ThermalZone = "sys/class/thermal/thermal_zone0/temp";
    public const string Throttled = "sys/devices/platform/soc/soc:firmware/get_throttled";
    public const string Hwmon = "sys/class/hwmon";

    // get_throttled bits (Raspberry Pi documentation, vcgencmd get_throttled).
    private const int UnderVoltageNow = 1 << 0;
    private const int FrequencyCappedNow = 1 << 1;
    private const int ThrottledNow = 1 << 2;
    private const int SoftTemperatureLimitNow = 1 << 3;
    private const int UnderVoltageOccurred = 1 << 16;

    public SysfsBoardProbe()
        : this("/")
    {
    }

    public BoardReading Read()
    {
        var temperature = ReadInt(ThermalZone) is { } milli ? milli / 1000.0 : (double?)null;
        var flags = ReadThrottled();
        var hwmonAlarm = ReadRpiVoltAlarm();
        bool? underVoltage = flags is null && hwmonAlarm is null ? null : (flags is { } f && (f & UnderVoltageNow) != 0) || hwmonAlarm == true;
        return new BoardReading(
            temperature,
            underVoltage,
            flags is { } s ? (s & UnderVoltageOccurred) != 0 : null,
            flags is { } t ? (t & ThrottledNow) != 0 : null,
            flags is { } c ? (c & FrequencyCappedNow) != 0 : null,
            flags is { } l ? (l & SoftTemperatureLimitNow) != 0 : null);
    }

    /// <summary>The flags as hex (the sysfs attribute prints <c>%x</c>; a <c>0x</c> prefix is accepted too).</summary>
    private int? ReadThrottled()
    {
        var text = ReadText(Throttled);
        if (text is null)
        {
            return null;
        }

        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>The <c>in0_lcrit_alarm</c> of the hwmon device named <c>rpi_volt</c>, or null without one.</summary>
    private bool? ReadRpiVoltAlarm()
    {
        var hwmon = Path.Combine(root, Hwmon);
        if (!Directory.Exists(hwmon))
        {
            return null;
        }

        foreach (var device in Directory.EnumerateDirectories(hwmon).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, device);
            if (ReadText(Path.Combine(relative, "name")) == "rpi_volt")
            {
                return ReadInt(Path.Combine(relative, "in0_lcrit_alarm")) is { } alarm ? alarm != 0 : null;
            }
        }

        return null;
    }

    private int? ReadInt(string relative) =>
        ReadText(relative) is { } text && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private string? ReadText(string relative)
    {
        try
        {
            return File.ReadAllText(Path.Combine(root, relative)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not exposed on this board or kernel: unknown, not a fault.
            return null;
        }
    }
}
