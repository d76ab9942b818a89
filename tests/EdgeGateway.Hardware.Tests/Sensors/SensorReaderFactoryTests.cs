using System.Device.I2c;
using EdgeGateway.Core.Sensors;
using EdgeGateway.Hardware.Sensors;

namespace EdgeGateway.Hardware.Tests.Sensors;

public sealed class SensorReaderFactoryTests
{
    [Theory]
    [InlineData("ds18b20", typeof(Ds18b20Reader))]
    [InlineData("sht3x", typeof(Sht3xReader))]
    [InlineData("bme280", typeof(Bme280Reader))]
    public void Create_Type_MakesItsReader(string type, Type expected)
    {
        var sut = new SensorReaderFactory(_ => throw new InvalidOperationException("not opened"), "/nonexistent");

        using var reader = sut.Create(new SensorOptions { Id = "s", Type = type });

        Assert.IsType(expected, reader);
    }

    [Fact]
    public void Create_I2cSensor_OpensItsBusAndDefaultAddressOnFirstRead()
    {
        I2cConnectionSettings? opened = null;
        var sut = new SensorReaderFactory(settings => { opened = settings; return new SimulatedSht3x(5, 50); }, "/nonexistent");
        using var reader = sut.Create(new SensorOptions { Id = "store-climate", Type = "sht3x", Bus = 1 });
        Assert.Null(opened);

        reader.Read();

        Assert.Equal((1, 0x44), (opened!.BusId, opened.DeviceAddress));
    }
}
