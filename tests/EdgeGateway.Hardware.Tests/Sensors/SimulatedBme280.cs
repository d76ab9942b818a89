using System.Buffers.Binary;
using System.Device.I2c;

namespace EdgeGateway.Hardware.Tests.Sensors;

/// <summary>
/// A BME280 as a register file on a simulated bus: a write's first byte sets the register pointer, further bytes are
/// stored from there, reads auto-increment. Calibration and raw readings are the Bosch datasheet's worked example
/// (BMP280 datasheet section 8.2: adc_T 519888 → 25.08 °C, adc_P 415148 → 100653.27 Pa).
/// </summary>
internal sealed class SimulatedBme280 : I2cSimulatedDeviceBase
{
    private readonly byte[] _registers = new byte[256];
    private byte _pointer;

    public SimulatedBme280()
        : base(new I2cConnectionSettings(1, 0x76))
    {
        _registers[0xD0] = 0x60; // chip id
        // dig_T1..T3, dig_P1..P9 (T1 and P1 are unsigned on the chip; 36477 needs the wrap to fit a short).
        short[] calibration = [27504, 26435, -1000, unchecked((short)36477), -10685, 3024, 2855, 140, -7, 15500, -14600, 6000];
        for (var i = 0; i < calibration.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(_registers.AsSpan(0x88 + (2 * i)), calibration[i]);
        }

        _registers[0xA1] = 75; // dig_H1
        BinaryPrimitives.WriteInt16LittleEndian(_registers.AsSpan(0xE1), 362); // dig_H2
        _registers[0xE3] = 0; // dig_H3
        (_registers[0xE4], _registers[0xE5], _registers[0xE6]) = (0x13, 0x01, 0x00); // dig_H4 = 305, dig_H5 = 0
        _registers[0xE7] = 30; // dig_H6
        Raw(0xF7, 415148); // pressure
        Raw(0xFA, 519888); // temperature
        BinaryPrimitives.WriteUInt16BigEndian(_registers.AsSpan(0xFD), 30000); // humidity
    }

    public override void WriteRead(byte[] inputBuffer, byte[] outputBuffer)
    {
        if (inputBuffer.Length > 0)
        {
            _pointer = inputBuffer[0];
            for (var i = 1; i < inputBuffer.Length; i++)
            {
                _registers[(byte)(_pointer + i - 1)] = inputBuffer[i];
            }
        }

        for (var i = 0; i < outputBuffer.Length; i++)
        {
            outputBuffer[i] = _registers[(byte)(_pointer + i)];
        }
    }

    /// <summary>A 20-bit ADC value as the chip holds it: msb, lsb, xlsb (upper nibble).</summary>
    private void Raw(byte register, int adc)
    {
        var shifted = adc << 4;
        (_registers[register], _registers[register + 1], _registers[register + 2]) = ((byte)(shifted >> 16), (byte)(shifted >> 8), (byte)shifted);
    }
}
