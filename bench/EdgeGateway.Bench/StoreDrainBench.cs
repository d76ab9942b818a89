using System.Diagnostics;
using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Outbox.LiteDb;
using Microsoft.Extensions.Logging.Abstractions;

/// <summary>
/// The store's share of a drain, without MQTT: a backlog in LiteDB read 128 at a time (as the forwarder does) and
/// removed in batches of 1, 4 and 32 entries. Shows what the batch size of removes costs.
/// </summary>
internal static class StoreDrainBench
{
    public static void Run(int events)
    {
        foreach (var batch in new[] { 1, 4, 32 })
        {
            var directory = Directory.CreateTempSubdirectory("edge-gateway-storedrain-").FullName;
            try
            {
                Backlog.Fill(directory, events);
                var identity = new GatewayIdentity("test-school", "gw1", TimeProvider.System);
                using var store = new LiteDbOutboxStore(Path.Combine(directory, "outbox.db"), identity, NullLogger<LiteDbOutboxStore>.Instance, openFile: null);
                store.Open();
                var written = StoreIoBench.WrittenBytes();
                var clock = Stopwatch.StartNew();
                var drained = 0;
                while (true)
                {
                    var pending = store.ReadPending(128);
                    if (pending.Count == 0)
                    {
                        break;
                    }

                    foreach (var chunk in pending.Chunk(batch))
                    {
                        store.Remove(chunk);
                    }

                    drained += pending.Count;
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"remove batches of {batch,2}: {drained / clock.Elapsed.TotalSeconds,8:N0} entries/s, {(StoreIoBench.WrittenBytes() - written) / (double)drained / 1024:0.0} KiB written per entry"));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
