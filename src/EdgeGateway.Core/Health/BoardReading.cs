namespace EdgeGateway.Core.Health;

/// <summary>
/// The board's own condition at one read. A value the board does not expose (not a Pi, an older firmware) is null;
/// that is "unknown", never a fault.
/// </summary>
/// <param name="CpuTemperatureC">SoC temperature, °C.</param>
/// <param name="UnderVoltage">Supply below the firmware's threshold (about 4.63 V) now.</param>
/// <param name="UnderVoltageSinceBoot">Under-voltage has happened at least once since boot (sticky firmware bit).</param>
/// <param name="Throttled">The firmware is throttling the CPU now (under-voltage or temperature).</param>
/// <param name="FrequencyCapped">The ARM clock is capped now.</param>
/// <param name="SoftTemperatureLimit">The soft temperature limit is active now.</param>
public sealed record BoardReading(
    double? CpuTemperatureC,
    bool? UnderVoltage,
    bool? UnderVoltageSinceBoot = null,
    bool? Throttled = null,
    bool? FrequencyCapped = null,
    bool? SoftTemperatureLimit = null)
{
    public static BoardReading Unknown { get; } = new(null, null);
}

/// <summary>Reads the board's temperature and power flags. EdgeGateway.Hardware implements it over sysfs.</summary>
public interface IBoardProbe
{
    BoardReading Read();
}
