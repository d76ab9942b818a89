namespace EdgeGateway.Core.Outbox;

/// <summary>The <c>Outbox</c> section: how much the outbox may hold while the path to the center is down.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// Most entries kept. When full, the oldest telemetry is dropped first, then the oldest ordinary events;
    /// alarms are never dropped (the outbox grows past the limit rather than lose one).
    /// </summary>
    /// <value>Default 200000 (a week of a busy school's events; about 100 MB on disk). Range 100-2000000.</value>
    public int MaxEntries { get; set; } = 200_000;

    /// <summary>Telemetry older than this is dropped unsent. Alarms and events never expire.</summary>
    /// <value>Default 24 hours; 0 keeps telemetry until it is sent or pushed out by <see cref="MaxEntries"/>. Range 0-8760.</value>
    public double TelemetryTtlHours { get; set; } = 24;

    /// <summary>
    /// Most events held in memory while the disk refuses them (full, read-only, failing). At 80 % new telemetry is
    /// refused, at 100 % new events; alarms and faults are always held. Refused ones count as dropped in health.
    /// </summary>
    /// <value>Default 20000 (about 20 MB; hours of a busy school's events). Range 100-1000000.</value>
    public int MaxUnwrittenEntries { get; set; } = 20_000;

    /// <summary>
    /// Longest wait for one call into the store (append with its flush, read, remove, open). A disk that stalls (a hung SD
    /// card, an NFS server gone) costs a press this once: the call then counts as refused (the events are held in memory
    /// and sent from there, the <c>storage</c> fault is raised with reason <c>stalled</c>), and until the stalled call
    /// returns every later call fails at once, so later presses do not wait at all.
    /// </summary>
    /// <value>Default 2000 ms (a healthy SD card flushes in tens of ms). Range 100-60000.</value>
    public int WriteDeadlineMs { get; set; } = 2000;
}

/// <summary>Entries dropped unsent since the outbox was created, per lane (alarms are never dropped).</summary>
public readonly record struct OutboxDrops(long Event, long Telemetry)
{
    public long Total => Event + Telemetry;
}

/// <summary>What was set aside when the outbox file was found corrupt at start.</summary>
/// <param name="MovedTo">Where the corrupt data file now is.</param>
/// <param name="LastSeqBefore">The highest seq that may have been given out before (from the seq sidecar).</param>
/// <param name="Reason">Why the file could not be used.</param>
public sealed record OutboxRecovery(string MovedTo, long LastSeqBefore, string Reason);
