using System.Device.I2c;
using EdgeGateway.Hardware.Sensors;

namespace EdgeGateway.Hardware.Tests.Sensors;

public sealed class Bme280ReaderTests
{
    [Fact]
    public void Read_SimulatedChip_ReturnsTheDatasheetExampleThroughTheBinding()
    {
        using var sut = new Bme280Reader(() => new SimulatedBme280());

        var readings = sut.Read();

        Assert.Equal(25.08, readings.TemperatureC!.Value, 2);
        Assert.Equal(1006.53, readings.PressureHpa!.Value, 1);
        Assert.InRange(readings.HumidityPct!.Value, 0, 100);
    }

    [Fact]
    public void Read_NothingAtTheAddress_ThrowsTheBusError()
    {
        using var sut = new Bme280Reader(() => new AbsentI2cDevice(0x76));

        Assert.Throws<IOException>(sut.Read);
    }

    [Fact]
    public void Read_AnotherChipAtTheAddress_IsRefusedByTheBinding()
    {
        // A BMP280 (chip id 0x58) strapped to the same address: no humidity, and not what was configured.
        using var sut = new Bme280Reader(() => new ChipIdOnly(0x58));

        Assert.ThrowsAny<Exception>(sut.Read);
    }

    /// <summary>A device that answers its chip id at register 0xD0 and zeros everywhere else.</summary>
    private sealed class ChipIdOnly(byte chipId) : I2cSimulatedDeviceBase(new I2cConnectionSettings(1, 0x76))
    {
        public override void WriteRead(byte[] inputBuffer, byte[] outputBuffer)
        {
            if (inputBuffer.Length > 0)
            {
                CurrentRegister = inputBuffer[0];
            }

            Array.Clear(outputBuffer);
            if (outputBuffer.Length > 0 && CurrentRegister == 0xD0)
            {
                outputBuffer[0] = chipId;
            }

        }
    }
}
