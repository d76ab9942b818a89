using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeGateway.Center;
using EdgeGateway.TestKit;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeGateway.Fleet;

/// <summary>What the console-storm scenario does.</summary>
/// <param name="Alarms">Alarms in one storm, each from its own gateway topic.</param>
/// <param name="Publishers">Bare MQTTnet clients that publish them (and receive their acks).</param>
/// <param name="WindowMs">Every alarm is published at a random moment within this window.</param>
/// <param name="Runs">Storms per receiver kind; the report gives the median of the runs.</param>
/// <param name="Seed">Of the publish moments (run n uses Seed + n).</param>
internal sealed record ConsoleStormSettings(int Alarms, int Publishers, int WindowMs, int Runs, int Seed);

/// <summary>
/// The console alone: a storm published by bare MQTTnet clients (no simulated gateway shares the process) into two
/// edge-center consoles in one share group that acknowledge every alarm, against a baseline in the same run: two bare
/// MQTTnet subscribers in their own group that publish the same ack from the receive callback (what the broker and the
/// MQTT client allow, with no console in between). Publish → board is the publisher's timestamp before PublishAsync to
/// <see cref="CenterConsole.Received"/> (raised once the alarm is on the board); publish → ack to the ack's arrival at
/// the publisher.
/// </summary>
internal sealed class ConsoleStorm(ConsoleStormSettings settings, int port)
{
    private const string Consoles = "edge-center consoles";
    private const string Bare = "bare MQTTnet subscribers";

    /// <summary>Runs the storms, alternating the receiver kinds, and returns one result per storm.</summary>
    public async Task<List<StormRound>> RunAsync(CancellationToken cancellationToken)
    {
        var rounds = new List<StormRound>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            foreach (var kind in new[] { Bare, Consoles })
            {
                var round = await RoundAsync(kind, run, cancellationToken);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[fleet]   {kind} run {run}: boarded {round.Boarded}/{round.Sent}, acked {round.Acked}, board p50 {round.BoardP50:0} / p99 {round.BoardP99:0} ms, ack p99 {round.AckP99:0} ms"));
                rounds.Add(round);
            }
        }

        return rounds;
    }

    private async Task<StormRound> RoundAsync(string kind, int run, CancellationToken cancellationToken)
    {
        var published = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var boarded = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var acked = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var site = $"storm{run}{(kind == Bare ? "b" : "c")}";
        void Boarded(string id) => boarded.TryAdd(id, Stopwatch.GetTimestamp());
        void Acked(string id) => acked.TryAdd(id, Stopwatch.GetTimestamp());

        await using var receivers = kind == Bare ? await BareReceivers.ConnectAsync(port, $"bare{run}", Boarded, cancellationToken) : await ConsoleReceivers.ConnectAsync(port, $"center{run}", Boarded, cancellationToken);
        var publishers = await Task.WhenAll(Enumerable.Range(0, settings.Publishers).Select(p => StormPublisher.ConnectAsync(port, $"{site}-p{p}", Acked, cancellationToken)));
        try
        {
            var random = new Random(settings.Seed + run);
            var plan = Enumerable.Range(0, settings.Alarms).Select(i => (Publisher: i % settings.Publishers, Gateway: $"gw{i}", At: TimeSpan.FromMilliseconds(settings.WindowMs * random.NextDouble()))).ToList();
            var start = Stopwatch.GetTimestamp();
            var failed = await Task.WhenAll(plan.GroupBy(a => a.Publisher).Select(g => publishers[g.Key].StormAsync(g.OrderBy(a => a.At).Select(a => (a.Gateway, a.At)), start, published, cancellationToken)));
            await Wait.UntilAsync(() => published.Keys.All(id => boarded.ContainsKey(id) && acked.ContainsKey(id)), TimeSpan.FromSeconds(60), cancellationToken);
            var board = Latencies(published, boarded);
            var ack = Latencies(published, acked);
            return new StormRound(kind, run, settings.Alarms, failed.Sum(), boarded.Count, acked.Count, Percentile(board, 50), Percentile(board, 99), board.Count > 0 ? board.Max() : double.NaN, Percentile(ack, 50), Percentile(ack, 99), receivers.Duplicates);
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                await publisher.DisposeAsync();
            }
        }
    }

    private static List<double> Latencies(ConcurrentDictionary<string, long> from, ConcurrentDictionary<string, long> to) =>
        [.. from.Where(p => to.ContainsKey(p.Key)).Select(p => Stopwatch.GetElapsedTime(p.Value, to[p.Key]).TotalMilliseconds)];

    private static double Percentile(List<double> values, double p) => values.Count > 0 ? Stats.Percentile(values, p) : double.NaN;

    private static MqttClientOptions Options(int port, string clientId) => new MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", port)
        .WithProtocolVersion(MqttProtocolVersion.V500)
        .WithClientId(clientId)
        .WithCleanStart()
        .Build();

    private static string? IdOf(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        using var doc = JsonDocument.ParseValue(ref reader);
        return doc.RootElement.TryGetProperty("id", out var id) ? id.GetString() : null;
    }

    /// <summary>One bare client publishing its share of the storm, each alarm from its own gateway, and hearing their acks.</summary>
    private sealed class StormPublisher : IAsyncDisposable
    {
        private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
        private readonly string _site;

        private StormPublisher(string site) => _site = site;

        public static async Task<StormPublisher> ConnectAsync(int port, string site, Action<string> acked, CancellationToken cancellationToken)
        {
            var publisher = new StormPublisher(site);
            publisher._client.ApplicationMessageReceivedAsync += e =>
            {
                if (IdOf(e.ApplicationMessage.Payload.ToArray()) is { } id)
                {
                    acked(id);
                }

                return Task.CompletedTask;
            };
            await publisher._client.ConnectAsync(Options(port, site), cancellationToken);
            await publisher._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"campus/v1/{site}/+/ack", MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
            return publisher;
        }

        /// <summary>Publishes each alarm at its moment (not waiting for the PUBACK before the next); returns how many the broker did not PUBACK.</summary>
        public async Task<int> StormAsync(IEnumerable<(string Gateway, TimeSpan At)> alarms, long start, ConcurrentDictionary<string, long> published, CancellationToken cancellationToken)
        {
            var pending = new List<Task<bool>>();
            foreach (var (gateway, at) in alarms)
            {
                var wait = at - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, TimeProvider.System, cancellationToken);
                }

                var id = Guid.CreateVersion7().ToString();
                var payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $$"""{"v":1,"id":"{{id}}","seq":1,"boot":"01a225cf-225b-76c3-a1b9-45dd3d25836d","site":"{{_site}}","gateway":"{{gateway}}","input":"office-panic","kind":"panic","state":"active","ts":"{{TimeProvider.System.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ}}","synced":true,"location":"storm"}"""));
                published[id] = Stopwatch.GetTimestamp();
                pending.Add(PublishAsync($"campus/v1/{_site}/{gateway}/alarm", payload, cancellationToken));
            }

            var results = await Task.WhenAll(pending);
            return results.Count(ok => !ok);
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
            _client.Dispose();
        }

        private async Task<bool> PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken)
        {
            var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
            return result.IsSuccess;
        }
    }

    private interface IReceivers : IAsyncDisposable
    {
        long Duplicates { get; }
    }

    /// <summary>Two edge-center consoles in one share group, auto-acking, clean sessions (each storm its own group).</summary>
    private sealed class ConsoleReceivers(CenterConsole[] consoles) : IReceivers
    {
        public long Duplicates => consoles.Sum(c => c.Duplicates);

        public static async Task<IReceivers> ConnectAsync(int port, string group, Action<string> boarded, CancellationToken cancellationToken)
        {
            var consoles = new[] { "a", "b" }.Select(name => new CenterConsole(
                new CenterOptions { Port = port, Group = group, ClientId = $"{group}-{name}", AutoAck = true, SessionExpirySeconds = 0, Operator = "edge-fleet" },
                TimeProvider.System)).ToArray();
            foreach (var console in consoles)
            {
                console.Received += (message, _) => boarded(message.Id);
                await console.ConnectAsync(cancellationToken);
            }

            return new ConsoleReceivers(consoles);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var console in consoles)
            {
                await console.DisposeAsync();
            }
        }
    }

    /// <summary>The baseline: two bare MQTTnet clients in one share group that publish the ack from the receive callback.</summary>
    private sealed class BareReceivers(IMqttClient[] clients) : IReceivers
    {
        public long Duplicates => 0;

        public static async Task<IReceivers> ConnectAsync(int port, string group, Action<string> boarded, CancellationToken cancellationToken)
        {
            var clients = new[] { "a", "b" }.Select(_ => new MqttClientFactory().CreateMqttClient()).ToArray();
            for (var i = 0; i < clients.Length; i++)
            {
                var client = clients[i];
                client.ApplicationMessageReceivedAsync += e =>
                {
                    var message = e.ApplicationMessage;
                    if (IdOf(message.Payload.ToArray()) is { } id)
                    {
                        boarded(id);
                        var gateway = message.Topic[..message.Topic.LastIndexOf('/')];
                        var ack = Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","by":"bare","ts":"{{TimeProvider.System.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ}}"}""");
                        // Not awaited: the callback holds MQTTnet's receive queue, as the console's handling loop would.
                        _ = client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{gateway}/ack").WithPayload(ack).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), CancellationToken.None);
                    }

                    return Task.CompletedTask;
                };
                await client.ConnectAsync(Options(port, $"{group}-{i}"), cancellationToken);
                await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"$share/{group}/campus/v1/+/+/alarm", MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
            }

            return new BareReceivers(clients);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in clients)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
                client.Dispose();
            }
        }
    }
}

/// <summary>One storm into one receiver kind: counts, and latencies in ms.</summary>
internal sealed record StormRound(string Kind, int Run, int Sent, int PublishFailed, int Boarded, int Acked, double BoardP50, double BoardP99, double BoardMax, double AckP50, double AckP99, long Duplicates);

/// <summary>The console-storm command: its own broker, the storms, the figures block.</summary>
internal static class ConsoleStormRun
{
    public const string Marker = "console-storm";

    public static async Task<int> RunAsync(ConsoleStormSettings settings, string? docsFile, string command, CancellationToken cancellationToken)
    {
        var loadBefore = Report.LoadAverage();
        List<StormRound> rounds;
        await using (var broker = await MosquittoBroker.StartAsync(cancellationToken))
        {
            Console.WriteLine($"[fleet] Mosquitto on 127.0.0.1:{broker.Port}; {settings.Runs} x {settings.Alarms} alarms within {settings.WindowMs} ms from {settings.Publishers} bare clients");
            rounds = await new ConsoleStorm(settings, broker.Port).RunAsync(cancellationToken);
        }

        var block = Render(settings, command, rounds, loadBefore);
        Console.WriteLine();
        Console.WriteLine(block);
        if (docsFile is not null)
        {
            Report.WriteInto(docsFile, block, Marker);
            Console.WriteLine($"[fleet] figures written to {docsFile}");
        }

        return rounds.All(r => r.Boarded == r.Sent && r.Acked == r.Sent && r.PublishFailed == 0) ? 0 : 1;
    }

    private static string Render(ConsoleStormSettings settings, string command, List<StormRound> rounds, string loadBefore)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"Run {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC on {Report.Machine()}; load average before {loadBefore}, after {Report.LoadAverage()}.");
        Line($"");
        Line($"Command: `{command}`");
        Line($"");
        Line($"{settings.Alarms} alarms within {settings.WindowMs} ms from {settings.Publishers} bare MQTTnet clients (each alarm its own gateway topic) against one Mosquitto ({Report.MosquittoVersion()}); receivers: two of each kind in one `$share` group, every alarm acknowledged back to its topic's `ack`. Medians over {settings.Runs} runs per kind, alternating, in one process.");
        Line($"");
        Line($"| receivers | runs | boarded / sent | acked | publish → board p50 ms | p99 ms | max ms | publish → ack back p50 ms | p99 ms | duplicates |");
        Line($"| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var kind in rounds.GroupBy(r => r.Kind))
        {
            var runs = kind.ToList();
            Line($"| {kind.Key} | {runs.Count} | {runs.Sum(r => r.Boarded)} / {runs.Sum(r => r.Sent)} | {runs.Sum(r => r.Acked)} | {Median(runs, r => r.BoardP50):0} | {Median(runs, r => r.BoardP99):0} | {Median(runs, r => r.BoardMax):0} | {Median(runs, r => r.AckP50):0} | {Median(runs, r => r.AckP99):0} | {runs.Sum(r => r.Duplicates)} |");
        }

        var byKind = rounds.GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => Median([.. g], r => r.BoardP99));
        if (byKind.Count == 2)
        {
            var (bare, consoles) = (byKind.First().Value, byKind.Last().Value);
            Line($"");
            Line($"Publish → board p99, consoles / bare baseline: {consoles / bare:0.00}. Per run (p99 ms): {string.Join("; ", rounds.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Kind} {r.Run}: {r.BoardP99:0}")))}.");
        }

        return text.ToString();
    }

    private static double Median(List<StormRound> runs, Func<StormRound, double> figure) => Stats.Percentile([.. runs.Select(figure)], 50);
}
