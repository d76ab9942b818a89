using System.Device.I2c;
using EdgeGateway.Hardware.Sensors;

namespace EdgeGateway.Hardware.Tests.Sensors;

/// <summary>
/// An SHT3x on a simulated bus: answers a measurement command (0x24 xx) with the 6-byte reply the datasheet gives
/// (raw temperature, CRC, raw humidity, CRC). The chip is command-based, not register-based, so it overrides
/// <see cref="I2cSimulatedDeviceBase"/>'s write and read rather than filling its register map.
/// </summary>
internal sealed class SimulatedSht3x(double temperatureC, double humidityPct)
    : I2cSimulatedDeviceBase(new I2cConnectionSettings(1, 0x44))
{
    private bool _measured;

    public double TemperatureC { get; set; } = temperatureC;

    public double HumidityPct { get; set; } = humidityPct;

    /// <summary>Flip a bit in the next replies' temperature CRC, as noise on a long cable would.</summary>
    public bool CorruptCrc { get; set; }

    public List<ushort> Commands { get; } = [];

    /// <summary>The simulated bus transfer: a 2-byte write is a command, a 6-byte read fetches the measurement.</summary>
    public override void WriteRead(byte[] inputBuffer, byte[] outputBuffer)
    {
        if (inputBuffer.Length == 2)
        {
            Commands.Add((ushort)((inputBuffer[0] << 8) | inputBuffer[1]));
            _measured = inputBuffer[0] == 0x24;
        }

        if (outputBuffer.Length == 0)
        {
            return;
        }

        if (!_measured || outputBuffer.Length != 6)
        {
            throw new IOException("SHT3x NACK: no measurement pending");
        }

        var rawT = (ushort)Math.Round((TemperatureC + 45) * 65535 / 175);
        var rawH = (ushort)Math.Round(HumidityPct * 65535 / 100);
        outputBuffer[0] = (byte)(rawT >> 8);
        outputBuffer[1] = (byte)rawT;
        outputBuffer[2] = (byte)(Sht3xCrcGuard.Crc8(outputBuffer.AsSpan(0, 2)) ^ (CorruptCrc ? 1 : 0));
        outputBuffer[3] = (byte)(rawH >> 8);
        outputBuffer[4] = (byte)rawH;
        outputBuffer[5] = Sht3xCrcGuard.Crc8(outputBuffer.AsSpan(3, 2));
        _measured = false;
    }
}

/// <summary>An address where nothing answers: the Linux I2C driver reports the NACK as an IOException.</summary>
internal sealed class AbsentI2cDevice(int address) : I2cSimulatedDeviceBase(new I2cConnectionSettings(1, address))
{
    public override void WriteRead(byte[] inputBuffer, byte[] outputBuffer) =>
        throw new IOException($"Error 6 performing I2C data transfer (no device at 0x{address:x2})");
}
