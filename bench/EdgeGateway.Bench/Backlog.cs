using EdgeGateway.Configuration;
using EdgeGateway.Events;
using EdgeGateway.Inputs;
using EdgeGateway.Outbox;
using EdgeGateway.Outbox.LiteDb;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

/// <summary>A mixed backlog written straight into a stopped gateway's outbox, as a long outage leaves it.</summary>
internal static class Backlog
{
    /// <summary>
    /// Appends <paramref name="count"/> events in batches of 1,000: 2 % alarms, 48 % door events, 50 % telemetry
    /// (input id <c>backlog</c>, so a counter can tell them from pressed alarms). Returns the outbox depth.
    /// </summary>
    public static long Fill(string dataDirectory, int count)
    {
        const int Batch = 1000;
        var identity = new GatewayIdentity(Options.Create(new GatewayOptions { SiteId = "test-school", GatewayId = "gw1" }), TimeProvider.System);
        using var store = new LiteDbOutboxStore(Path.Combine(dataDirectory, "outbox.db"), identity, NullLogger<LiteDbOutboxStore>.Instance, openFile: null, new OutboxOptions { MaxEntries = count * 2 });
        store.Open();
        for (var done = 0; done < count; done += Batch)
        {
            var now = TimeProvider.System.GetUtcNow();
            store.Append([.. Enumerable.Range(done, Math.Min(Batch, count - done)).Select(i => Draft(i, now))]);
        }

        return store.Depth.Total;
    }

    private static EventDraft Draft(int i, DateTimeOffset now)
    {
        var state = i % 4 < 2 ? InputState.Active : InputState.Restored;
        var draft = new EventDraft(Guid.CreateVersion7(now).ToString(), "backlog", i % 50 == 0 ? InputKind.Panic : InputKind.Door, state, now, ClockSynced: true, "building A, corridor 2");
        return i % 2 == 1 ? draft with { Lane = Lane.Telemetry } : draft;
    }
}

/// <summary>Resident memory of a process (VmRSS in /proc/PID/status).</summary>
internal static class Resident
{
    public static double Megabytes(int pid) =>
        ProcFile.Field($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/status", "VmRSS") / 1024.0;
}
