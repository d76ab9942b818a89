using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Outbox.LiteDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.TestKit;

/// <summary>Writes a backlog straight into a stopped gateway's outbox, as a long outage would have left it.</summary>
public static class OutboxFiller
{
    /// <summary>What a stopped gateway's outbox still holds.</summary>
    public static OutboxDepth Depth(string dataDirectory)
    {
        using var store = Open(dataDirectory, new OutboxOptions());
        return store.Depth;
    }

    /// <summary>
    /// Appends <paramref name="count"/> events in batches of <paramref name="batch"/>; each is made by
    /// <paramref name="draft"/> from its index and the batch's time (default: door events of input <c>backlog</c>).
    /// Returns the outbox depth.
    /// </summary>
    public static long Fill(string dataDirectory, int count, int batch = 5000, Func<int, DateTimeOffset, EventDraft>? draft = null)
    {
        draft ??= DoorEvent;
        using var store = Open(dataDirectory, new OutboxOptions { MaxEntries = count * 2 });
        for (var done = 0; done < count; done += batch)
        {
            var now = TimeProvider.System.GetUtcNow();
            store.AppendNext([.. Enumerable.Range(done, Math.Min(batch, count - done)).Select(i => draft(i, now))]);
        }

        return store.Depth.Total;
    }

    private static EventDraft DoorEvent(int i, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now).ToString(), "backlog", EventKind.Door, i % 2 == 0 ? EventState.Active : EventState.Restored, now, false, "backlog");

    private static LiteDbOutboxStore Open(string dataDirectory, OutboxOptions limits)
    {
        var identity = new GatewayIdentity("test-school", "gw1", TimeProvider.System);
        var store = new LiteDbOutboxStore(Path.Combine(dataDirectory, "outbox.db"), identity, NullLogger<LiteDbOutboxStore>.Instance, openFile: null, limits);
        store.Open();
        return store;
    }
}
