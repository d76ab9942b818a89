using EdgeGateway.Configuration;
using EdgeGateway.Events;
using EdgeGateway.Inputs;
using EdgeGateway.Outbox;
using EdgeGateway.Outbox.LiteDb;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.TestKit;

/// <summary>Writes a backlog straight into a stopped gateway's outbox, as a long outage would have left it.</summary>
public static class OutboxFiller
{
    /// <summary>What a stopped gateway's outbox still holds.</summary>
    public static OutboxDepth Depth(string dataDirectory)
    {
        var identity = new GatewayIdentity(Options.Create(new GatewayOptions { SiteId = "test-school", GatewayId = "gw1" }), TimeProvider.System);
        using var store = new LiteDbOutboxStore(Path.Combine(dataDirectory, "outbox.db"), identity, NullLogger<LiteDbOutboxStore>.Instance, openFile: null);
        store.Open();
        return store.Depth;
    }

    public static void Fill(string dataDirectory, int count, int batch = 5000)
    {
        var identity = new GatewayIdentity(Options.Create(new GatewayOptions { SiteId = "test-school", GatewayId = "gw1" }), TimeProvider.System);
        using var store = new LiteDbOutboxStore(Path.Combine(dataDirectory, "outbox.db"), identity, NullLogger<LiteDbOutboxStore>.Instance, openFile: null, new OutboxOptions { MaxEntries = count * 2 });
        store.Open();
        for (var done = 0; done < count; done += batch)
        {
            var now = TimeProvider.System.GetUtcNow();
            store.Append([.. Enumerable.Range(0, Math.Min(batch, count - done)).Select(i => new EventDraft(
                Guid.CreateVersion7(now).ToString(), "backlog", InputKind.Door, i % 2 == 0 ? InputState.Active : InputState.Restored, now, false, "backlog"))]);
        }
    }
}
