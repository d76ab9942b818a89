using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeGateway.TestKit;

namespace EdgeGateway.Fleet;

/// <summary>What one scenario measured.</summary>
/// <param name="Name">steady, storm or restart.</param>
/// <param name="Sent">Events recorded by the gateways (each must reach a consumer at least once).</param>
/// <param name="Delivered">Distinct events that reached a consumer.</param>
/// <param name="LatenciesMs">Event ts (gateway accept) to first consumer receive, per delivered event.</param>
/// <param name="AcceptMs">How long <c>EventRecorder.Record</c> took per event (store append; fsync with LiteDB).</param>
/// <param name="Duplicates">Arrivals of an event a consumer had already had (before dedup), both consumers.</param>
/// <param name="Drain">Storm: storm start → last alarm's first arrival. Steady: end of recording → last arrival.</param>
/// <param name="Notes">Scenario-specific facts for the table.</param>
/// <param name="MissingIds">Event ids that never arrived.</param>
internal sealed record ScenarioResult(
    string Name,
    int Sent,
    int Delivered,
    IReadOnlyList<double> LatenciesMs,
    IReadOnlyList<double> AcceptMs,
    long Duplicates,
    TimeSpan? Drain,
    string Notes,
    IReadOnlyList<string> MissingIds)
{
    public int Missing => Sent - Delivered;
}

internal sealed class Scenarios(FleetSettings settings, Fleet fleet, CenterPair centers, MosquittoBroker broker)
{
    private readonly Random _random = new(settings.Seed);

    /// <summary>Each gateway records telemetry every interval (random phase) for the period; a telemetry group consumes it.</summary>
    public async Task<ScenarioResult> SteadyAsync(CancellationToken cancellationToken)
    {
        await using var consumers = new TelemetryConsumers(broker.Port);
        await consumers.ConnectAsync(cancellationToken);
        var period = TimeSpan.FromSeconds(settings.SteadySeconds);
        var interval = TimeSpan.FromSeconds(settings.TelemetryIntervalSeconds);
        var ids = new ConcurrentQueue<string>();
        var accept = new ConcurrentQueue<double>();
        var start = Stopwatch.GetTimestamp();
        var phases = fleet.Gateways.Select(_ => interval * _random.NextDouble()).ToList();
        await Task.WhenAll(fleet.Gateways.Select(async (gateway, i) =>
        {
            for (var at = phases[i]; at < period; at += interval)
            {
                await DelayUntilAsync(start, at, cancellationToken);
                var (id, ms) = await TimedAsync(gateway.RecordTelemetry);
                ids.Enqueue(id);
                accept.Enqueue(ms);
            }
        }));
        var recorded = Stopwatch.GetTimestamp();
        var sent = ids.ToList();
        await Wait.UntilAsync(() => sent.All(id => consumers.TryGetArrival(id, out _)), settings.DeliveryTimeout, cancellationToken);
        var arrivals = Arrivals(sent, consumers.TryGetArrival, out var missing);
        var last = arrivals.Count > 0 ? arrivals.Max(a => a.At) : recorded;
        var rate = arrivals.Count / period.TotalSeconds;
        return new ScenarioResult(
            "steady telemetry", sent.Count, arrivals.Count, [.. arrivals.Select(a => a.LatencyMs)], [.. accept], consumers.Duplicates,
            Stopwatch.GetElapsedTime(recorded, Math.Max(last, recorded)),
            $"1 sample / {settings.TelemetryIntervalSeconds:0.#} s / gateway for {settings.SteadySeconds} s; {rate:0.0} msg/s delivered to the `$share/telemetry` group",
            missing);
    }

    /// <summary>Every gateway presses its panic button once within the storm window; optionally the broker restarts in the middle.</summary>
    public async Task<ScenarioResult> StormAsync(bool restartBroker, CancellationToken cancellationToken)
    {
        var duplicatesBefore = centers.Duplicates;
        var reconnectsBefore = fleet.Reconnects;
        var offsets = fleet.Gateways.Select(_ => TimeSpan.FromMilliseconds(settings.StormWindowMs * _random.NextDouble())).ToList();
        var ids = new string[fleet.Gateways.Count];
        var accept = new double[fleet.Gateways.Count];
        var start = Stopwatch.GetTimestamp();
        var restart = restartBroker ? RestartBrokerAsync(start, cancellationToken) : Task.FromResult("");
        await Task.WhenAll(fleet.Gateways.Select(async (gateway, i) =>
        {
            await DelayUntilAsync(start, offsets[i], cancellationToken);
            (ids[i], accept[i]) = await TimedAsync(gateway.Press);
        }));
        var notes = await restart;
        await Wait.UntilAsync(() => ids.All(id => centers.TryGetArrival(id, out _)), settings.DeliveryTimeout, cancellationToken);
        var arrivals = Arrivals(ids, centers.TryGetArrival, out var missing);
        foreach (var id in missing.Take(5))
        {
            var gateway = fleet.Gateways[Array.IndexOf(ids, id)];
            var where = gateway.Store.ReadPending(int.MaxValue).Any(e => e.EventId == id) ? "still in its outbox" : "out of its outbox (the broker PUBACKed it)";
            Console.Error.WriteLine($"[fleet]   missing {id} of {gateway.Name}: {where}; connected {gateway.Connection.IsConnected}; dead services: {string.Join("; ", gateway.DeadServices)}");
            foreach (var line in broker.Log.Split('\n').Where(l => l.Contains(gateway.Name + " ", StringComparison.Ordinal) || l.Contains("fleet-center", StringComparison.Ordinal) || l.Contains("mosquitto version", StringComparison.Ordinal)))
            {
                Console.Error.WriteLine($"[fleet]     broker: {line}");
            }
        }
        var drain = arrivals.Count > 0 ? Stopwatch.GetElapsedTime(start, arrivals.Max(a => a.At)) : (TimeSpan?)null;
        notes = $"{fleet.Gateways.Count} presses within {settings.StormWindowMs} ms{notes}; gateway reconnects {fleet.Reconnects - reconnectsBefore}";
        return new ScenarioResult(
            restartBroker ? "storm + broker restart" : "alarm storm", ids.Length, arrivals.Count, [.. arrivals.Select(a => a.LatencyMs)], accept,
            centers.Duplicates - duplicatesBefore, drain, notes, missing);
    }

    /// <summary>Waits until the outboxes are empty, so the next scenario starts from a quiet fleet.</summary>
    public async Task<bool> QuietAsync(CancellationToken cancellationToken) =>
        await Wait.UntilAsync(() => fleet.Pending == 0 && fleet.Connected == fleet.Gateways.Count, settings.DeliveryTimeout, cancellationToken);

    private async Task<string> RestartBrokerAsync(long start, CancellationToken cancellationToken)
    {
        await DelayUntilAsync(start, TimeSpan.FromMilliseconds(settings.RestartAtMs), cancellationToken);
        await broker.StopAsync();
        var stopped = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromMilliseconds(settings.BrokerDownMs), TimeProvider.System, cancellationToken);
        await broker.StartAgainAsync(cancellationToken);
        var down = Stopwatch.GetElapsedTime(stopped);
        var up = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromMilliseconds(settings.CentersBackAfterMs), TimeProvider.System, cancellationToken);
        await centers.ReconnectAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var centersBack = Stopwatch.GetElapsedTime(up);
        var allBack = await Wait.UntilAsync(() => fleet.Connected == fleet.Gateways.Count, settings.DeliveryTimeout, cancellationToken);
        if (!allBack)
        {
            Console.Error.WriteLine($"[fleet]   {fleet.Gateways.Count - fleet.Connected} gateways did not reconnect; dead services: {fleet.DeadServices()}");
        }

        var gatewaysBack = Stopwatch.GetElapsedTime(up);
        return $"; broker stopped (SIGTERM) at {settings.RestartAtMs} ms, down {down.TotalSeconds:0.0} s; centers back {centersBack.TotalSeconds:0.00} s, "
            + (allBack ? $"all gateways back {gatewaysBack.TotalSeconds:0.0} s after the broker" : $"only {fleet.Connected} gateways back");
    }

    private static List<CenterPair.Arrival> Arrivals(IReadOnlyList<string> ids, TryGet lookup, out IReadOnlyList<string> missing)
    {
        var arrivals = new List<CenterPair.Arrival>(ids.Count);
        var absent = new List<string>();
        foreach (var id in ids)
        {
            if (lookup(id, out var arrival))
            {
                arrivals.Add(arrival);
            }
            else
            {
                absent.Add(id);
            }
        }

        missing = absent;
        return arrivals;
    }

    private static async Task<(string Id, double Ms)> TimedAsync(Func<string> record)
    {
        // The store blocks (fsync): off the timer thread, as the gateway's input loop is its own thread.
        return await Task.Run(() =>
        {
            var begin = Stopwatch.GetTimestamp();
            var id = record();
            return (id, Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
        });
    }

    private static async Task DelayUntilAsync(long start, TimeSpan at, CancellationToken cancellationToken)
    {
        var wait = at - Stopwatch.GetElapsedTime(start);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, TimeProvider.System, cancellationToken);
        }
    }

    private delegate bool TryGet(string id, out CenterPair.Arrival arrival);
}
