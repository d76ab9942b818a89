using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Sensors;

/// <summary>One physical sensor. EdgeGateway.Hardware implements it over Iot.Device.Bindings and the 1-Wire sysfs.</summary>
public interface ISensorReader : IDisposable
{
    /// <summary>
    /// Reads the sensor now. Throws <see cref="SensorReadException"/> (or the bus's <see cref="IOException"/>) when it
    /// does not answer or answers nonsense; the next call tries again, reopening the device if needed.
    /// </summary>
    SensorReadings Read();
}

/// <summary>Makes the reader for a configured sensor.</summary>
public interface ISensorReaderFactory
{
    /// <summary>The reader for <paramref name="sensor"/>; opening the device is left to the first read.</summary>
    ISensorReader Create(SensorOptions sensor);
}

/// <summary>A sensor that did not give a usable reading.</summary>
public sealed class SensorReadException : Exception
{
    public SensorReadException()
    {
    }

    public SensorReadException(string message)
        : base(message)
    {
    }

    public SensorReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
