using System.Device.I2c;
using EdgeGateway.Core.Sensors;
using EdgeGateway.Hardware.Sensors;

namespace EdgeGateway.Hardware.Tests.Sensors;

public sealed class Sht3xReaderTests
{
    [Fact]
    public void Read_SimulatedChip_ReturnsTemperatureAndHumidityThroughTheBinding()
    {
        var chip = new SimulatedSht3x(4.2, 61.5);
        using var sut = new Sht3xReader(() => chip);

        var readings = sut.Read();

        Assert.Equal(4.2, readings.TemperatureC!.Value, 1);
        Assert.Equal(61.5, readings.HumidityPct!.Value, 1);
        Assert.Null(readings.PressureHpa);
        Assert.Equal(0x30A2, chip.Commands[0]); // the binding soft-resets the chip when it opens it
    }

    [Fact]
    public void Read_ReplyFailsCrc_ThrowsInsteadOfRepeatingTheLastValue()
    {
        var chip = new SimulatedSht3x(4.2, 61.5);
        using var sut = new Sht3xReader(() => chip);
        sut.Read();
        chip.TemperatureC = 9.5;
        chip.CorruptCrc = true;

        var ex = Assert.Throws<SensorReadException>(sut.Read);

        Assert.Contains("CRC", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NothingAtTheAddress_ThrowsTheBusError()
    {
        using var sut = new Sht3xReader(() => new AbsentI2cDevice(0x44));

        Assert.Throws<IOException>(sut.Read);
    }

    [Fact]
    public void Read_AfterAFailure_ReopensTheDevice()
    {
        var opened = 0;
        I2cDevice Open() => ++opened == 1 ? new AbsentI2cDevice(0x44) : new SimulatedSht3x(3.0, 50);
        using var sut = new Sht3xReader(Open);

        Assert.Throws<IOException>(sut.Read);
        var readings = sut.Read();

        Assert.Equal((2, 3.0), (opened, Math.Round(readings.TemperatureC!.Value, 1)));
    }
}
