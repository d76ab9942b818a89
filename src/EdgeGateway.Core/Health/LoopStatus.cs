namespace EdgeGateway.Core.Health;

/// <summary>One supervised loop (or optional part) in a health report.</summary>
/// <param name="Name">The loop's name, e.g. <c>input-monitor</c>, <c>outbox-forwarder</c>, <c>status-socket</c>.</param>
/// <param name="State"><see cref="Running"/>, <see cref="Restarting"/>, <see cref="Failed"/>, <see cref="Unavailable"/> or <see cref="Stopped"/>.</param>
/// <param name="Restarts">Restarts after a fault since the gateway started.</param>
/// <param name="FailuresInARow">Faults since its last healthy run.</param>
/// <param name="LastError">The last fault (exception type and message) or why the part is unavailable; null if none.</param>
/// <param name="LastErrorAt">When <paramref name="LastError"/> happened (wall clock).</param>
public sealed record LoopStatus(string Name, string State, long Restarts, int FailuresInARow, string? LastError, DateTimeOffset? LastErrorAt)
{
    /// <summary>Runs (after a restart, or from the start).</summary>
    public const string Running = "running";

    /// <summary>Faulted; waits out its backoff before the next restart.</summary>
    public const string Restarting = "restarting";

    /// <summary>Faulted too often in a row to recover in process: the systemd watchdog is withheld.</summary>
    public const string Failed = "failed";

    /// <summary>An optional part that is not running (or a loop waiting for its hardware); reported, never withheld.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>Ended on its own (for example the watchdog loop when systemd asked for none), or the gateway is stopping.</summary>
    public const string Stopped = "stopped";
}
