using EdgeGateway.Core.Events;
using EdgeGateway.TestKit;

/// <summary>A mixed backlog written straight into a stopped gateway's outbox, as a long outage leaves it.</summary>
internal static class Backlog
{
    /// <summary>
    /// Appends <paramref name="count"/> events in batches of 1,000: 2 % alarms, 48 % door events, 50 % telemetry
    /// (input id <c>backlog</c>, so a counter can tell them from pressed alarms). Returns the outbox depth.
    /// </summary>
    public static long Fill(string dataDirectory, int count) => OutboxFiller.Fill(dataDirectory, count, batch: 1000, Draft);

    private static EventDraft Draft(int i, DateTimeOffset now)
    {
        var state = i % 4 < 2 ? EventState.Active : EventState.Restored;
        var draft = new EventDraft(Guid.CreateVersion7(now).ToString(), "backlog", i % 50 == 0 ? EventKind.Panic : EventKind.Door, state, now, ClockSynced: true, "building A, corridor 2");
        return i % 2 == 1 ? draft with { Lane = Lane.Telemetry } : draft;
    }
}

/// <summary>Resident memory of a process (VmRSS in /proc/PID/status).</summary>
internal static class Resident
{
    public static double Megabytes(int pid) =>
        ProcFile.Field($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/status", "VmRSS") / 1024.0;
}

/// <summary>CPU time a process has used (user + system), from <c>/proc/&lt;pid&gt;/stat</c>.</summary>
internal static class ProcessCpu
{
    public static double Seconds(int pid)
    {
        // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }
}
