using EdgeGateway.Core.Events;

namespace EdgeGateway.TestKit;

/// <summary>An <see cref="IKernelClock"/> that answers what a test says, as adjtimex would; counts the questions.</summary>
public sealed class FixedKernelClock(KernelClockReading reading) : IKernelClock
{
    public static FixedKernelClock Synchronized() => new(new KernelClockReading(0, 0));

    public static FixedKernelClock Unsynchronized() => new(new KernelClockReading(KernelClockReading.TimeError, 0));

    /// <summary>What ProtectClock=yes makes of the call.</summary>
    public static FixedKernelClock Refused() => new(new KernelClockReading(-1, KernelClockReading.PermissionDenied));

    public KernelClockReading Reading { get; set; } = reading;

    public int Reads { get; private set; }

    public KernelClockReading Read()
    {
        Reads++;
        return Reading;
    }
}
