using System.Device.I2c;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Sensors;

namespace EdgeGateway.Hardware.Sensors;

/// <summary>
/// An I2C sensor through an Iot.Device.Bindings binding, opened on the first read and reopened after a failed one,
/// so a sensor that was unplugged, or a bus that glitched, recovers without restarting the gateway.
/// </summary>
/// <param name="open">Opens the bus device (<see cref="I2cDevice.Create"/> on a Pi, a simulated device in tests).</param>
public abstract class I2cSensorReader<TBinding>(Func<I2cDevice> open) : ISensorReader
    where TBinding : class, IDisposable
{
    private TBinding? _binding;

    public SensorReadings Read()
    {
        try
        {
            _binding ??= Bind(open);
            return Measure(_binding);
        }
        catch
        {
            Close();
            throw;
        }
    }

    public void Dispose()
    {
        Close();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates the binding over the device; probing the chip happens here.</summary>
    protected abstract TBinding Create(I2cDevice device);

    /// <summary>One measurement; throws <see cref="SensorReadException"/> for a reading that cannot be trusted.</summary>
    protected abstract SensorReadings Measure(TBinding binding);

    private TBinding Bind(Func<I2cDevice> openDevice)
    {
        var device = openDevice();
        try
        {
            return Create(device);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    private void Close()
    {
        _binding?.Dispose();
        _binding = null;
    }
}
