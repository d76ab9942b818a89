using System.Diagnostics;
using System.Globalization;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Outbox.LiteDb;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

/// <summary>
/// What one health message costs with a backlog in the LiteDB outbox: snapshot (depth, oldest entry per lane, statvfs)
/// plus serialisation. It runs once a minute beside the alarm path, so it must stay far below a millisecond or two.
/// </summary>
internal static class HealthBench
{
    public static void Run(int backlog, int samples)
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-bench-health-").FullName;
        try
        {
            OutboxFiller.Fill(directory, backlog);
            var time = TimeProvider.System;
            var gateway = Options.Create(new GatewayOptions { SiteId = "test-school", GatewayId = "gw1", DataDirectory = directory });
            var identity = new GatewayIdentity(gateway.Value.SiteId, gateway.Value.GatewayId, time);
            using var store = new LiteDbOutboxStore(Path.Combine(directory, "outbox.db"), identity, NullLogger<LiteDbOutboxStore>.Instance, openFile: null, new OutboxOptions { MaxEntries = backlog * 2 });
            store.Open();
            var clock = new ClockSyncDetector(time);
            var recorder = new EventRecorder(new OutboxWriter(store, new UnwrittenEntries(), new OutboxSignal(), identity, clock, time, NullLogger<OutboxWriter>.Instance), identity, clock, time);
            var snapshots = new HealthSnapshotBuilder(store, identity, clock, new BoardHealth(), recorder,
                new CenterAcknowledgements(time, NullLogger<CenterAcknowledgements>.Instance, Options.Create(new AckOptions())), new LivenessRegistry(time), gateway, time);

            var timings = new List<double>(samples);
            var bytes = 0;
            for (var i = 0; i < samples; i++)
            {
                var start = Stopwatch.GetTimestamp();
                bytes = HealthPayload.Serialize(snapshots.Build("primary", 0)).Length;
                timings.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"health snapshot + payload ({bytes} bytes), outbox depth {store.Depth.Total}: median {Stats.Percentile(timings, 50):0.000} ms, p99 {Stats.Percentile(timings, 99):0.000} ms, max {timings.Max():0.000} ms, n {samples}"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
