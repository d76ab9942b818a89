using System.Runtime.InteropServices;

namespace EdgeGateway.Core.Events;

/// <summary>The kernel's NTP state; a seam so each answer of <c>adjtimex(2)</c> can be tested.</summary>
public interface IKernelClock
{
    KernelClockReading Read();
}

/// <summary>What <c>adjtimex(2)</c> returned: a clock state (0-5), or -1 with <paramref name="Errno"/>.</summary>
public readonly record struct KernelClockReading(int State, int Errno)
{
    /// <summary>TIME_ERROR: STA_UNSYNC is set (no NTP daemon has disciplined the clock).</summary>
    public const int TimeError = 5;

    /// <summary>EPERM, what a seccomp filter such as <c>ProtectClock=yes</c> answers.</summary>
    public const int PermissionDenied = 1;

    /// <summary>The call could not be made (EPERM from a seccomp filter, ENOSYS, not Linux).</summary>
    public bool Refused => State < 0;

    public bool Synchronized => State is >= 0 and not TimeError;
}

/// <summary>A read-only <c>adjtimex(2)</c> query (modes = 0).</summary>
public sealed partial class AdjtimexKernelClock : IKernelClock
{
    // struct timex is 208 bytes on 64-bit Linux; modes = 0 (first field) makes this a read-only query.
    private const int TimexSize = 256;

    // ENOSYS: there is no adjtimex to ask.
    private const int NotImplemented = 38;

    public KernelClockReading Read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new KernelClockReading(-1, NotImplemented);
        }

        Span<byte> timex = stackalloc byte[TimexSize];
        timex.Clear();
        try
        {
            var state = Adjtimex(ref MemoryMarshal.GetReference(timex));
            return new KernelClockReading(state, state < 0 ? Marshal.GetLastPInvokeError() : 0);
        }
        catch (EntryPointNotFoundException)
        {
            return new KernelClockReading(-1, NotImplemented);
        }
    }

    [LibraryImport("libc", EntryPoint = "adjtimex", SetLastError = true)]
    private static partial int Adjtimex(ref byte timex);
}
