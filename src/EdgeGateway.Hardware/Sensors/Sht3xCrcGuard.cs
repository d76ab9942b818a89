using System.Device.I2c;
using EdgeGateway.Core.Sensors;

namespace EdgeGateway.Hardware.Sensors;

/// <summary>
/// Passes an SHT3x's I2C traffic through and checks the CRC-8 of each 6-byte measurement reply (poly 0x31, init 0xFF,
/// datasheet section 4.12), throwing <see cref="SensorReadException"/> on a mismatch.
/// </summary>
internal sealed class Sht3xCrcGuard(I2cDevice inner) : I2cDevice
{
    public const int MeasurementLength = 6;

    public override I2cConnectionSettings ConnectionSettings => inner.ConnectionSettings;

    public override void Read(Span<byte> buffer)
    {
        inner.Read(buffer);
        if (buffer.Length == MeasurementLength
            && (Crc8(buffer[..2]) != buffer[2] || Crc8(buffer.Slice(3, 2)) != buffer[5]))
        {
            throw new SensorReadException("SHT3x reply failed its CRC check (noise on the bus)");
        }
    }

    public override byte ReadByte() => inner.ReadByte();

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override void WriteByte(byte value) => inner.WriteByte(value);

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => inner.WriteRead(writeBuffer, readBuffer);

    public static byte Crc8(ReadOnlySpan<byte> data)
    {
        byte crc = 0xFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80) != 0 ? (byte)((crc << 1) ^ 0x31) : (byte)(crc << 1);
            }
        }

        return crc;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
