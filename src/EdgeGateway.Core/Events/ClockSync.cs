namespace EdgeGateway.Core.Events;

/// <summary>Whether the system clock is NTP-synchronised (a Pi has no RTC and boots with a stale clock).</summary>
public interface IClockSync
{
    bool IsSynchronized { get; }
}

/// <summary>What <see cref="ClockSyncDetector"/> found, and which source answered.</summary>
/// <param name="Synchronized">The clock counts as synchronised.</param>
/// <param name="Source">
/// <see cref="ClockSyncDetector.TimesyncdSource"/>, <see cref="ClockSyncDetector.AdjtimexSource"/>, or
/// <see cref="ClockSyncDetector.NoSource"/> when neither could say.
/// </param>
/// <param name="Detail">One sentence for an installer.</param>
public sealed record ClockSyncStatus(bool Synchronized, string Source, string Detail);

/// <summary>
/// Reads synchronisation in a way the shipped unit allows: first systemd-timesyncd's flag file (created once it has
/// synchronised the clock this boot; <c>/run</c> stays readable under <c>ProtectSystem=strict</c>), then the kernel's
/// NTP state through <c>adjtimex(2)</c>, which chrony and ntpd keep but which the unit's <c>ProtectClock=yes</c> refuses
/// with EPERM. Every event asks, so the answer is kept for <see cref="RecheckInterval"/> on the injected clock.
/// </summary>
public sealed class ClockSyncDetector : IClockSync
{
    public const string TimesyncdFlagFile = "/run/systemd/timesync/synchronized";
    public const string TimesyncdSource = "timesyncd";
    public const string AdjtimexSource = "adjtimex";
    public const string NoSource = "none";

    /// <summary>How long an answer is reused; a clock that just synchronised is seen this much later at most.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly string _flagFile;
    private readonly IKernelClock _kernel;
    // Read and replaced whole by the threads that record events.
    private volatile Answer? _last;

    public ClockSyncDetector(TimeProvider time)
        : this(time, TimesyncdFlagFile, new AdjtimexKernelClock())
    {
    }

    /// <param name="time">The clock the answer is cached on.</param>
    /// <param name="flagFile">systemd-timesyncd's flag file (<see cref="TimesyncdFlagFile"/>; a temporary file in tests).</param>
    /// <param name="kernel">The kernel's NTP state (<see cref="AdjtimexKernelClock"/>).</param>
    public ClockSyncDetector(TimeProvider time, string flagFile, IKernelClock kernel)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrEmpty(flagFile);
        ArgumentNullException.ThrowIfNull(kernel);
        _time = time;
        _flagFile = flagFile;
        _kernel = kernel;
    }

    public bool IsSynchronized => Status().Synchronized;

    /// <summary>The cached answer, detected again once it is <see cref="RecheckInterval"/> old.</summary>
    public ClockSyncStatus Status()
    {
        var now = _time.GetTimestamp();
        if (_last is { } last && _time.GetElapsedTime(last.At, now) < RecheckInterval)
        {
            return last.Status;
        }

        var status = Detect();
        _last = new Answer(status, now);
        return status;
    }

    /// <summary>Asks every source now, uncached.</summary>
    public ClockSyncStatus Detect()
    {
        if (File.Exists(_flagFile))
        {
            return new ClockSyncStatus(true, TimesyncdSource, $"synchronised: {_flagFile} exists (systemd-timesyncd)");
        }

        var kernel = _kernel.Read();
        return kernel switch
        {
            { Refused: true } => new ClockSyncStatus(
                false,
                NoSource,
                $"unknown, counted as not synchronised: {_flagFile} does not exist and adjtimex is refused (errno {kernel.Errno}; "
                + "the unit's ProtectClock=yes): use systemd-timesyncd, or see deploy/systemd/README.md for chrony and ntpd"),
            { Synchronized: true } => new ClockSyncStatus(true, AdjtimexSource, "synchronised: the kernel's NTP state (adjtimex)"),
            _ => new ClockSyncStatus(
                false,
                AdjtimexSource,
                $"not synchronised: the kernel's NTP state (adjtimex) is unsynchronised and {_flagFile} does not exist"),
        };
    }

    private sealed record Answer(ClockSyncStatus Status, long At);
}
