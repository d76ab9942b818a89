using System.Runtime.InteropServices;

namespace EdgeGateway.Core.Events;

/// <summary>Whether the system clock is NTP-synchronised (a Pi has no RTC and boots with a stale clock).</summary>
public interface IClockSync
{
    bool IsSynchronized { get; }
}

/// <summary>Asks the kernel through <c>adjtimex(2)</c>: it returns TIME_ERROR while STA_UNSYNC is set.</summary>
public sealed partial class KernelClockSync : IClockSync
{
    private const int TimeError = 5;

    // struct timex is 208 bytes on 64-bit Linux; modes = 0 (first field) makes this a read-only query.
    private const int TimexSize = 256;

    public bool IsSynchronized
    {
        get
        {
            if (!OperatingSystem.IsLinux())
            {
                return false;
            }

            Span<byte> timex = stackalloc byte[TimexSize];
            timex.Clear();
            try
            {
                var state = Adjtimex(ref MemoryMarshal.GetReference(timex));
                return state is >= 0 and not TimeError;
            }
            catch (EntryPointNotFoundException)
            {
                return false;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "adjtimex")]
    private static partial int Adjtimex(ref byte timex);
}
