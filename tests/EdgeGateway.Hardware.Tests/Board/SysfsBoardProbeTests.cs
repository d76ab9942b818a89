using EdgeGateway.Core.Health;
using EdgeGateway.Hardware.Board;

namespace EdgeGateway.Hardware.Tests.Board;

/// <summary>The probe over a fake root folder laid out like a Raspberry Pi's sysfs.</summary>
public sealed class SysfsBoardProbeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("eg-sysfs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Read_NothingExposed_IsUnknownNotAFault()
    {
        Assert.Equal(BoardReading.Unknown, new SysfsBoardProbe(_root).Read());
    }

    [Fact]
    public void Read_ThermalZone_GivesDegrees()
    {
        Write(SysfsBoardProbe.ThermalZone, "48312\n");

        Assert.Equal(48.312, new SysfsBoardProbe(_root).Read().CpuTemperatureC);
    }

    [Fact]
    public void Read_ThrottledUnderVoltageNow_SetsTheFlags()
    {
        Write(SysfsBoardProbe.Throttled, "50005\n");

        var reading = new SysfsBoardProbe(_root).Read();

        Assert.Equal(
            (true, true, true, false, false),
            (reading.UnderVoltage, reading.UnderVoltageSinceBoot, reading.Throttled, reading.FrequencyCapped, reading.SoftTemperatureLimit));
    }

    [Fact]
    public void Read_ThrottledOnlySinceBoot_IsNotUnderVoltageNow()
    {
        Write(SysfsBoardProbe.Throttled, "0x50000");

        var reading = new SysfsBoardProbe(_root).Read();

        Assert.Equal((false, true, false), (reading.UnderVoltage, reading.UnderVoltageSinceBoot, reading.Throttled));
    }

    [Fact]
    public void Read_RpiVoltHwmonAlarm_IsUnderVoltage()
    {
        Write("sys/class/hwmon/hwmon0/name", "cpu_thermal\n");
        Write("sys/class/hwmon/hwmon1/name", "rpi_volt\n");
        Write("sys/class/hwmon/hwmon1/in0_lcrit_alarm", "1\n");

        var reading = new SysfsBoardProbe(_root).Read();

        Assert.Equal((true, (bool?)null), (reading.UnderVoltage, reading.Throttled));
    }

    [Fact]
    public void Read_RpiVoltHwmonQuiet_IsNotUnderVoltage()
    {
        Write("sys/class/hwmon/hwmon1/name", "rpi_volt\n");
        Write("sys/class/hwmon/hwmon1/in0_lcrit_alarm", "0\n");

        Assert.False(new SysfsBoardProbe(_root).Read().UnderVoltage);
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
