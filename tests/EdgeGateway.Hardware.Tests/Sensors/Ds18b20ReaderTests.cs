using EdgeGateway.Core.Events;
using EdgeGateway.Core.Sensors;
using EdgeGateway.Hardware.Sensors;

namespace EdgeGateway.Hardware.Tests.Sensors;

/// <summary>The DS18B20 reader over a fake <c>/sys/bus/w1/devices</c> folder in the w1-therm format.</summary>
public sealed class Ds18b20ReaderTests : IDisposable
{
    private const string ColdRoom = "28-0316a2794aff";
    private readonly string _root = Directory.CreateTempSubdirectory("eg-w1-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Read_GoodScratchpad_ReturnsDegrees()
    {
        Sensor(ColdRoom, 4125);
        using var sut = new Ds18b20Reader(_root, ColdRoom);

        Assert.Equal(new SensorReadings(4.125), sut.Read());
    }

    [Fact]
    public void Read_BelowZero_ReturnsNegativeDegrees()
    {
        Sensor(ColdRoom, -18250);
        using var sut = new Ds18b20Reader(_root, ColdRoom);

        Assert.Equal(-18.25, sut.Read().TemperatureC);
    }

    [Fact]
    public void Read_CrcNo_Throws()
    {
        Sensor(ColdRoom, 4125, crcOk: false);
        using var sut = new Ds18b20Reader(_root, ColdRoom);

        Assert.Contains("CRC check failed", Assert.Throws<SensorReadException>(sut.Read).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PowerOnValue_IsNotAReading()
    {
        Sensor(ColdRoom, 85000);
        using var sut = new Ds18b20Reader(_root, ColdRoom);

        Assert.Contains("power-on value", Assert.Throws<SensorReadException>(sut.Read).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DeviceGone_ThrowsNamingIt()
    {
        using var sut = new Ds18b20Reader(_root, ColdRoom);

        Assert.Contains($"no 1-Wire device {ColdRoom}", Assert.Throws<SensorReadException>(sut.Read).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoDeviceIdAndOneSensor_ReadsIt()
    {
        Sensor(ColdRoom, 3000);
        Directory.CreateDirectory(Path.Combine(_root, "w1_bus_master1"));
        using var sut = new Ds18b20Reader(_root, deviceId: null);

        Assert.Equal(3.0, sut.Read().TemperatureC);
    }

    [Fact]
    public void Read_NoDeviceIdAndTwoSensors_AsksForTheId()
    {
        Sensor(ColdRoom, 3000);
        Sensor("28-0316a2794b00", 3000);
        using var sut = new Ds18b20Reader(_root, deviceId: null);

        var ex = Assert.Throws<SensorReadException>(sut.Read);

        Assert.Contains($"2 DS18B20s under {_root} ({ColdRoom}, 28-0316a2794b00); set DeviceId", ex.Message, StringComparison.Ordinal);
    }

    private void Sensor(string id, int milli, bool crcOk = true)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, id)).FullName;
        File.WriteAllText(
            Path.Combine(folder, "w1_slave"),
            $"42 01 4b 46 7f ff 0e 10 7c : crc=7c {(crcOk ? "YES" : "NO")}\n42 01 4b 46 7f ff 0e 10 7c t={milli}\n");
    }
}
