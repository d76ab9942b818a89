using System.CommandLine;
using System.Globalization;
using EdgeGateway.Fleet;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging;

// edge-fleet: a county in one process. See docs/scaling.md for what the figures mean.
var gateways = new Option<int>("--gateways") { Description = "Simulated gateways", DefaultValueFactory = _ => 500 };
var scenario = new Option<string>("--scenario") { Description = "steady | storm | restart | all (the three with simulated gateways) | console-storm (bare publishers, no gateways)", DefaultValueFactory = _ => "all" };
scenario.AcceptOnlyFromAmong("steady", "storm", "restart", "all", ConsoleStormRun.Marker);
var alarms = new Option<int>("--alarms") { Description = "console-storm: alarms per storm", DefaultValueFactory = _ => 5000 };
var publishers = new Option<int>("--publishers") { Description = "console-storm: bare MQTTnet clients publishing the storm", DefaultValueFactory = _ => 50 };
var runs = new Option<int>("--runs") { Description = "console-storm: storms per receiver kind (medians reported)", DefaultValueFactory = _ => 3 };
var seconds = new Option<int>("--seconds") { Description = "How long the steady-telemetry scenario records", DefaultValueFactory = _ => 60 };
var store = new Option<string>("--store") { Description = "litedb (a file and an fsync per event per gateway) | memory", DefaultValueFactory = _ => "litedb" };
store.AcceptOnlyFromAmong("litedb", "memory");
var telemetryInterval = new Option<double>("--telemetry-interval") { Description = "Seconds between one gateway's telemetry samples", DefaultValueFactory = _ => 10 };
var brokerDown = new Option<int>("--broker-down-ms") { Description = "Restart scenario: how long the broker stays down", DefaultValueFactory = _ => 3000 };
var centersBack = new Option<int>("--centers-back-after-ms") { Description = "Restart scenario: the centers reconnect this long after the broker is back" };
var reconnectDelay = new Option<int>("--reconnect-delay-ms") { Description = "Gateways' Mqtt:ReconnectDelayMs", DefaultValueFactory = _ => 200 };
var reconnectMax = new Option<int>("--reconnect-max-seconds") { Description = "Gateways' Mqtt:ReconnectMaxDelaySeconds", DefaultValueFactory = _ => 5 };
var docs = new Option<FileInfo?>("--docs") { Description = "Write the figures into this file, between the edge-fleet markers (docs/scaling.md)" };
var smoke = new Option<bool>("--smoke") { Description = "CI smoke: 50 gateways, 15 s steady, all scenarios, under a minute" };
var centerSession = new Option<uint>("--center-session-expiry") { Description = "Centers' MQTT session expiry in seconds; 0 = clean session", DefaultValueFactory = _ => 600 };
var centerAck = new Option<bool>("--center-ack") { Description = "Centers acknowledge every alarm on arrival", DefaultValueFactory = _ => true };
var timeout = new Option<int>("--timeout-minutes") { Description = "Stop the run (cleanly, reporting what it has) after this long", DefaultValueFactory = _ => 14 };

var root = new RootCommand("edge-fleet: N simulated gateways against one Mosquitto and two edge-center instances in a shared-subscription group")
{
    gateways, scenario, seconds, store, telemetryInterval, brokerDown, centersBack, reconnectDelay, reconnectMax, docs, smoke, centerSession, centerAck, timeout,
    alarms, publishers, runs,
};
root.SetAction(async (parse, cancellationToken) =>
{
    if (parse.GetValue(scenario) == ConsoleStormRun.Marker)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(parse.GetValue(timeout)));
        var storm = new ConsoleStormSettings(parse.GetValue(alarms), parse.GetValue(publishers), 1000, parse.GetValue(runs), Seed: 7);
        return await ConsoleStormRun.RunAsync(storm, parse.GetValue(docs)?.FullName, "edge-fleet " + string.Join(' ', args), deadline.Token);
    }

    var isSmoke = parse.GetValue(smoke);
    var settings = new FleetSettings
    {
        Gateways = isSmoke && parse.GetResult(gateways) is not { Implicit: false } ? 50 : parse.GetValue(gateways),
        Scenario = parse.GetValue(scenario)!,
        SteadySeconds = isSmoke && parse.GetResult(seconds) is not { Implicit: false } ? 15 : parse.GetValue(seconds),
        Store = parse.GetValue(store) == "memory" ? FleetStore.Memory : FleetStore.LiteDb,
        TelemetryIntervalSeconds = parse.GetValue(telemetryInterval),
        BrokerDownMs = parse.GetValue(brokerDown),
        CentersBackAfterMs = parse.GetValue(centersBack),
        ReconnectDelayMs = parse.GetValue(reconnectDelay),
        ReconnectMaxDelaySeconds = parse.GetValue(reconnectMax),
        CenterSessionExpirySeconds = parse.GetValue(centerSession),
        CenterAck = parse.GetValue(centerAck),
        DocsFile = parse.GetValue(docs)?.FullName,
        Smoke = isSmoke,
        RunTimeout = TimeSpan.FromMinutes(isSmoke && parse.GetResult(timeout) is not { Implicit: false } ? 3 : parse.GetValue(timeout)),
        DeliveryTimeout = isSmoke ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(90),
    };
    return await FleetRun.RunAsync(settings, "edge-fleet " + string.Join(' ', args), cancellationToken);
});
return await root.Parse(args).InvokeAsync();

/// <summary>One run: broker, centers, fleet, the chosen scenarios, the report; everything torn down at the end.</summary>
internal static class FleetRun
{
    public static async Task<int> RunAsync(FleetSettings settings, string command, CancellationToken cancellationToken)
    {
        if (!EnoughFileDescriptors(settings.Gateways))
        {
            return 2;
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        run.CancelAfter(settings.RunTimeout);
        var loadBefore = Report.LoadAverage();
        var logs = new CountingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Warning).AddProvider(logs));
        var results = new List<ScenarioResult>();
        var started = TimeSpan.Zero;
        var shared = false;
        try
        {
            await using var broker = await MosquittoBroker.StartAsync(run.Token);
            await using var centers = new CenterPair(broker.Port, settings);
            await centers.ConnectAsync(run.Token);
            shared = centers.Shared;
            Console.WriteLine($"[fleet] Mosquitto on 127.0.0.1:{broker.Port}; starting {settings.Gateways} gateways ({settings.Store} outbox)");
            var (fleet, startTime) = await Fleet.StartAsync(settings, broker.Port, loggerFactory, run.Token);
            await using (fleet)
            {
                started = startTime;
                var scenarios = new Scenarios(settings, fleet, centers, broker);
                if (!await scenarios.QuietAsync(run.Token))
                {
                    Console.Error.WriteLine($"[fleet] only {fleet.Connected} of {settings.Gateways} gateways connected");
                }

                Console.WriteLine($"[fleet] {fleet.Connected} gateways connected in {started.TotalSeconds:0.0} s (+ settle)");
                foreach (var name in settings.Scenario == "all" ? ["steady", "storm", "restart"] : new[] { settings.Scenario })
                {
                    Console.WriteLine($"[fleet] scenario {name} …");
                    var result = name switch
                    {
                        "steady" => await scenarios.SteadyAsync(run.Token),
                        "storm" => await scenarios.StormAsync(restartBroker: false, run.Token),
                        _ => await scenarios.StormAsync(restartBroker: true, run.Token),
                    };
                    results.Add(result);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[fleet]   {result.Name}: {result.Delivered}/{result.Sent} delivered, {result.Duplicates} duplicates, drain {result.Drain?.TotalSeconds:0.00} s"));
                    if (!await scenarios.QuietAsync(run.Token))
                    {
                        Console.Error.WriteLine($"[fleet]   not quiet: {fleet.Pending} entries in outboxes, {fleet.Connected} connected; dead services: {fleet.DeadServices()}");
                    }
                }

                Console.WriteLine("[fleet] stopping the gateways …");
            }
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            Console.Error.WriteLine($"[fleet] stopped after {settings.RunTimeout.TotalMinutes:0} min or by a signal; reporting what was measured");
        }

        var block = Report.Render(settings, command, started, results, logs.Counts, loadBefore, shared);
        Console.WriteLine();
        Console.WriteLine(block);
        foreach (var result in results.Where(r => r.Missing > 0))
        {
            Console.Error.WriteLine($"[fleet] FAIL {result.Name}: {result.Missing} of {result.Sent} never reached a consumer, e.g. {string.Join(", ", result.MissingIds.Take(5))}");
        }

        if (settings.DocsFile is { } file)
        {
            Report.WriteInto(file, block);
            Console.WriteLine($"[fleet] figures written to {file}");
        }

        var expected = settings.Scenario == "all" ? 3 : 1;
        return results.Count == expected && results.All(r => r.Missing == 0) ? 0 : 1;
    }

    /// <summary>
    /// Each gateway holds a socket and (LiteDB) its data, log and seq files; Mosquitto, our child, inherits our limit
    /// and needs one descriptor per connection. The .NET runtime raises the soft RLIMIT_NOFILE to the hard limit at
    /// start, so only a low hard limit is a problem.
    /// </summary>
    private static bool EnoughFileDescriptors(int gateways)
    {
        var needed = (gateways * 6) + 256;
        var line = File.Exists("/proc/self/limits") ? File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal)) : null;
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is null || !long.TryParse(fields[3], CultureInfo.InvariantCulture, out var soft))
        {
            return true;
        }

        Console.WriteLine($"[fleet] open-files limit (RLIMIT_NOFILE) {soft} soft / {fields[4]} hard; {gateways} gateways need about {needed} (Mosquitto inherits it)");
        if (soft < needed)
        {
            Console.Error.WriteLine($"[fleet] too few file descriptors: run `ulimit -n {needed}` (as root, or raise the hard limit in /etc/security/limits.conf) first");
            return false;
        }

        return true;
    }
}
