using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeGateway.Center;
using EdgeGateway.Center.Commands;
using EdgeGateway.TestKit;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// The center's side: <c>edge-center</c>'s <see cref="CenterConsole"/> against a real Mosquitto, with the
/// gateway as a separate process where the gateway's behaviour matters and a plain MQTT publisher for volume.
/// </summary>
public sealed class CenterConsoleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoConsolesInOneShareGroup_SplitTheStream_TogetherReceiveAllOfItExactlyOnce()
    {
        const int count = 300;
        await using var broker = await MosquittoBroker.StartAsync();
        await using var first = new CenterConsole(new CenterOptions { Port = broker.Port, Group = "county" }, TimeProvider.System);
        await using var second = new CenterConsole(new CenterOptions { Port = broker.Port, Group = "county" }, TimeProvider.System);
        var received = new[] { new ConcurrentQueue<CenterMessage>(), new ConcurrentQueue<CenterMessage>() };
        first.Received += (m, _) => received[0].Enqueue(m);
        second.Received += (m, _) => received[1].Enqueue(m);
        await first.ConnectAsync(CancellationToken.None);
        await second.ConnectAsync(CancellationToken.None);
        Assert.True(first.SharedSubscription && second.SharedSubscription);
        await using var gateway = new MqttRecorder(broker.Port, "plain-gateway", filter: "campus/v1/none");
        await gateway.StartAsync();

        // Alarms, events and telemetry from one seq, as a gateway sends them.
        var leaves = new[] { "alarm", "event", "telemetry" };
        for (var seq = 1; seq <= count; seq++)
        {
            var leaf = leaves[seq % 3];
            await gateway.PublishAsync($"campus/v1/test-school/gw1/{leaf}", Payload(leaf, Guid.CreateVersion7().ToString(), seq));
        }

        await GatewayProcess.WaitUntilAsync(() => received[0].Count + received[1].Count >= count, s_wait);
        output.WriteLine($"first console: {received[0].Count}, second: {received[1].Count}");
        Assert.True(received[0].Count > 0 && received[1].Count > 0, $"split {received[0].Count}/{received[1].Count}");
        var all = received[0].Concat(received[1]).Select(m => m.Seq).Order().ToList();
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), all);
        Assert.Empty(received[0].Select(m => m.Id).Intersect(received[1].Select(m => m.Id)));
    }

    [Fact]
    public async Task IdsOlderThanTheDedupWindow_AreForgotten_ButAnAlarmAwaitingItsAckIsKept()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var time = new FakeTimeProvider();
        await using var center = new CenterConsole(new CenterOptions { Port = broker.Port, DedupWindowHours = 1 }, time);
        var received = new ConcurrentQueue<CenterMessage>();
        center.Received += (m, _) => received.Enqueue(m);
        await center.ConnectAsync(CancellationToken.None);
        await using var gateway = new MqttRecorder(broker.Port, "plain-gateway", filter: "campus/v1/none");
        await gateway.StartAsync();
        var door = Guid.CreateVersion7().ToString();
        var alarm = Guid.CreateVersion7().ToString();
        await gateway.PublishAsync("campus/v1/test-school/gw1/event", Payload("event", door, 1));
        await gateway.PublishAsync("campus/v1/test-school/gw1/alarm", Payload("alarm", alarm, 2));
        await GatewayProcess.WaitUntilAsync(() => received.Count == 2, s_wait);

        time.Advance(TimeSpan.FromHours(2));
        await gateway.PublishAsync("campus/v1/test-school/gw1/event", Payload("event", door, 1));
        await gateway.PublishAsync("campus/v1/test-school/gw1/alarm", Payload("alarm", alarm, 2));
        await GatewayProcess.WaitUntilAsync(() => received.Count == 3 && center.Duplicates == 1, s_wait);

        // The door event was forgotten, so its late resend shows as new; the unacknowledged alarm is still a repeat.
        Assert.Equal([door, alarm, door], received.Select(m => m.Id));
        Assert.Contains(center.Board().SelectMany(g => g.AwaitingAck), a => a.Id == alarm);
    }

    [Fact]
    public async Task ACenterSlowerThanTheDrain_LosesNothing_ToTheBrokersQueueLimit()
    {
        const int count = 1000;
        // The broker as deployed limits each client's queue; this one to 100 queued past 20 in flight.
        await using var broker = await MosquittoBroker.StartAsync(["max_inflight_messages 20", "max_queued_messages 100"], allowAnonymous: true);
        await using var center = new CenterConsole(new CenterOptions { Port = broker.Port }, TimeProvider.System);
        using var printing = new ManualResetEventSlim();
        var received = new ConcurrentQueue<CenterMessage>();
        center.Received += (m, _) =>
        {
            // The operator's terminal is stuck until the whole backlog has been published.
            printing.Wait(s_wait);
            received.Enqueue(m);
        };
        await center.ConnectAsync(CancellationToken.None);
        await using var gateway = new MqttRecorder(broker.Port, "plain-gateway", filter: "campus/v1/none");
        await gateway.StartAsync();

        for (var seq = 1; seq <= count; seq++)
        {
            await gateway.PublishAsync("campus/v1/test-school/gw1/event", Payload("event", Guid.CreateVersion7().ToString(), seq));
        }

        printing.Set();
        await GatewayProcess.WaitUntilAsync(() => received.Count >= count, s_wait);
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), received.Select(m => m.Seq));
        Assert.DoesNotContain("dropped", broker.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KilledGateway_IsShownOfflineConnectionLost_WithinOneAndAHalfKeepalives()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        // SIGKILL: the kernel closes the dead process's socket, so Mosquitto sends the will at once.
        await AssertShownOfflineInTimeAsync(broker.Port, broker.Port, gateway => gateway.KillAsync(), TimeSpan.Zero);
    }

    [Fact]
    public async Task GatewayGoneSilent_IsShownOfflineConnectionLost_WithinOneAndAHalfKeepalives()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var network = new TcpProxy(broker.Port);
        // A frozen network closes nothing: only Mosquitto's keepalive check (1.5 x keepalive of silence) finds it.
        // Mosquitto 2.0 sweeps for expired keepalives every 5 s, counting in whole seconds: up to 6 s more (measured 8.9 s
        // for keepalive 2 s). The board can only be as quick as the broker's will.
        await AssertShownOfflineInTimeAsync(broker.Port, network.Port, _ =>
        {
            network.Freeze();
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task AckTypedByTheOperator_ReachesTheGateway_RepeatsAreRemindersThenReAcked_TelemetryMakesNoGaps()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new CenterConsole(new CenterOptions { Port = broker.Port, Operator = "operator-7" }, TimeProvider.System);
        var screen = new StringWriter();
        var jsonLines = new StringWriter();
        var view = new CenterView(center, TextWriter.Synchronized(screen), TimeProvider.System, TextWriter.Synchronized(jsonLines));
        var newAlarms = new ConcurrentQueue<CenterMessage>();
        var gaps = new ConcurrentQueue<long>();
        center.Received += (m, _) => { if (m.IsAlarm) { newAlarms.Enqueue(m); } };
        center.GapDetected += (_, from, _) => gaps.Enqueue(from);
        await center.ConnectAsync(CancellationToken.None);
        // Sees the center's acks on the wire, and re-publishes the alarm as the gateway does while it waits for the ack.
        await using var wire = new MqttRecorder(broker.Port, "wire");
        await wire.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("office-panic", 17, "panic", location: "Main office")]);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.BoardEntry("test-school/gw1")?.Online == true, s_wait);

        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => !newAlarms.IsEmpty, s_wait);
        var alarm = newAlarms.Single();
        Assert.Equal([alarm.Id], center.BoardEntry("test-school/gw1")!.AwaitingAck.Select(m => m.Id));

        // A repeat before the ack: a reminder, not a new alarm, and still awaiting.
        var published = wire.On("/alarm").Single();
        await wire.PublishAsync(published.Topic, published.Payload);
        await GatewayProcess.WaitUntilAsync(() => screen.ToString().Contains($"id={alarm.Id} REPEAT, still unacknowledged", StringComparison.Ordinal), s_wait);
        Assert.Equal(1, center.Duplicates);
        Assert.Single(newAlarms);

        // The operator types the ack (a prefix of the id will do) and asks for the board.
        var quit = await new OperatorConsole(center, view).RunAsync(new StringReader($"ack {alarm.Id[..13]}\nboard\nquit\nboard\n"), CancellationToken.None);
        Assert.True(quit);
        await gateway.WaitForOutputAsync($"Center acknowledged {alarm.Id} (by operator-7)", s_wait);
        await GatewayProcess.WaitUntilAsync(() => wire.On("/ack").Any(), s_wait);
        var ack = wire.On("/ack").Single().Json;
        Assert.Equal(alarm.Id, ack.GetProperty("id").GetString());
        Assert.Equal("operator-7", ack.GetProperty("by").GetString());
        Assert.Empty(center.BoardEntry("test-school/gw1")!.AwaitingAck);
        Assert.Equal(alarm.Id, center.BoardEntry("test-school/gw1")!.LastAlarm!.Id);
        Assert.Single(screen.ToString().Split('\n'), l => l.Contains("BOARD 1 gateway(s)", StringComparison.Ordinal));
        Assert.Matches(@"test-school/gw1\s+ONLINE .*last alarm office-panic panic active .*awaiting ack: 0", screen.ToString());

        // A repeat after the ack: the first ack may have been lost, so it goes again.
        await wire.PublishAsync(published.Topic, published.Payload);
        await GatewayProcess.WaitUntilAsync(() => wire.On("/ack").Count() == 2, s_wait);
        Assert.Equal(2, center.Duplicates);
        Assert.Single(newAlarms);
        Assert.Contains($"id={alarm.Id} already acknowledged: ack sent again", screen.ToString(), StringComparison.Ordinal);

        // Telemetry takes the next numbers from the same seq: with it subscribed, no gap appears.
        var next = alarm.Seq + 1;
        await wire.PublishAsync("campus/v1/test-school/gw1/telemetry", Payload("telemetry", Guid.CreateVersion7().ToString(), next, alarm.Boot));
        await wire.PublishAsync("campus/v1/test-school/gw1/event", Payload("event", Guid.CreateVersion7().ToString(), next + 1, alarm.Boot));
        await GatewayProcess.WaitUntilAsync(() => jsonLines.ToString().Contains($"\"seq\":{next + 1}", StringComparison.Ordinal), s_wait);
        Assert.Empty(gaps);
        Assert.Empty(center.MissingSeqs("test-school/gw1"));

        // --json: every message in and out, one JSON object a line.
        await GatewayProcess.WaitUntilAsync(() => jsonLines.ToString().Split('\n').Count(l => l.Contains("\"type\":\"ack-sent\"", StringComparison.Ordinal)) == 2, s_wait);
        var types = jsonLines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, types.Count(l => l.GetProperty("type").GetString() == "alarm"));
        Assert.Equal(2, types.Count(l => l.GetProperty("type").GetString() == "alarm" && l.TryGetProperty("duplicate", out _)));
        Assert.Equal(2, types.Count(l => l.GetProperty("type").GetString() == "ack-sent"));
        Assert.Contains(types, l => l.GetProperty("type").GetString() == "status" && l.GetProperty("message").GetProperty("state").GetString() == "online");
        Assert.Contains(types, l => l.GetProperty("type").GetString() == "telemetry");
        Assert.Equal(0, center.HandlerErrors);
    }

    [Fact]
    public async Task CommandsFromTheInputLoop_FollowTheContract_ResultsAndHealthReachTheBoard()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new CenterConsole(new CenterOptions { Port = broker.Port }, TimeProvider.System);
        var screen = new StringWriter();
        var view = new CenterView(center, TextWriter.Synchronized(screen), TimeProvider.System);
        var results = new ConcurrentQueue<CommandResult>();
        center.CommandResultReceived += results.Enqueue;
        await center.ConnectAsync(CancellationToken.None);

        // The gateway's side of the command contract over plain MQTT 5: answer on the response topic, echo the correlation data.
        var commands = new ConcurrentQueue<MqttApplicationMessage>();
        using var responder = new MqttClientFactory().CreateMqttClient();
        responder.ApplicationMessageReceivedAsync += async e =>
        {
            var command = e.ApplicationMessage;
            commands.Enqueue(command);
            using var doc = JsonDocument.Parse(command.Payload.ToArray());
            var name = doc.RootElement.GetProperty("command").GetString();
            var result = name == "frobnicate"
                ? new Dictionary<string, object?> { ["v"] = 1, ["id"] = doc.RootElement.GetProperty("id").GetString(), ["command"] = name, ["ok"] = false, ["ts"] = "2026-11-29T05:37:41.746Z", ["error"] = new { code = "unknown-command", message = "no such command" } }
                : new Dictionary<string, object?> { ["v"] = 1, ["id"] = doc.RootElement.GetProperty("id").GetString(), ["command"] = name, ["ok"] = true, ["ts"] = "2026-11-29T05:37:41.746Z", ["detail"] = new { testMode = true } };
            await responder.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(command.ResponseTopic)
                .WithCorrelationData(command.CorrelationData)
                .WithPayload(JsonSerializer.SerializeToUtf8Bytes(result))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
        };
        await responder.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("gw1").Build());
        await responder.SubscribeAsync("campus/v1/test-school/gw1/cmd", MqttQualityOfServiceLevel.AtLeastOnce);
        await responder.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("campus/v1/test-school/gw1/health")
            .WithPayload("""
                {"v":1,"boot":"b1","ts":"2026-11-29T05:37:41.746Z","synced":true,"uptimeSeconds":3600,"lastSeq":42,
                 "outbox":{"alarm":{"depth":0,"oldestAgeSeconds":null},"event":{"depth":3,"oldestAgeSeconds":12.5},"telemetry":{"depth":0,"oldestAgeSeconds":null}},
                 "dropped":{"event":0,"telemetry":0},"broker":"primary","reconnects":2,"awaitingAck":1,"lastAckLatencyMs":312,
                 "diskFreeBytes":123456789,"cpuTemperatureC":48.3,"underVoltage":false,"testMode":false}
                """)
            .WithRetainFlag()
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

        var operatorConsole = new OperatorConsole(center, view);
        var quit = await operatorConsole.RunAsync(
            new StringReader("cmd test-school/gw1 test-mode on 600\ncmd test-school/gw1 reset office-panic\ncmd test-school/gw1 frobnicate\ncmd test-school/+ status\nhelp\n"),
            CancellationToken.None);
        Assert.False(quit);
        await GatewayProcess.WaitUntilAsync(() => results.Count == 2 && center.BoardEntry("test-school/gw1")?.Health is not null, s_wait);

        var testMode = JsonDocument.Parse(commands.First().Payload.ToArray()).RootElement;
        Assert.Equal("test-mode", testMode.GetProperty("command").GetString());
        Assert.True(testMode.GetProperty("on").GetBoolean());
        Assert.Equal(600, testMode.GetProperty("timeoutSeconds").GetInt32());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", testMode.GetProperty("ts").GetString());
        Assert.Equal("campus/v1/test-school/gw1/cmd/result", commands.First().ResponseTopic);
        Assert.Equal(testMode.GetProperty("id").GetString(), Encoding.UTF8.GetString(commands.First().CorrelationData));
        Assert.InRange(commands.First().MessageExpiryInterval, 1u, 120u); // the broker counts down the time it held it
        var reset = JsonDocument.Parse(commands.Last().Payload.ToArray()).RootElement;
        Assert.Equal("office-panic", reset.GetProperty("input").GetString());
        Assert.All(results, r => Assert.True(r.Ok && r.Latency is not null));
        Assert.Contains(results, r => r.Command == "test-mode" && r.Id == testMode.GetProperty("id").GetString());
        // Unknown or malformed commands are refused by the console before they reach the gateway.
        Assert.Equal(2, commands.Count);
        var text = screen.ToString();
        Assert.Contains("not understood: 'cmd test-school/gw1 frobnicate'", text, StringComparison.Ordinal);
        Assert.Contains("not understood: 'cmd test-school/+ status'", text, StringComparison.Ordinal);
        Assert.Contains("RESULT test-school/gw1 test-mode id=", text, StringComparison.Ordinal);
        Assert.Contains("ack <event id>", text, StringComparison.Ordinal);

        var health = center.BoardEntry("test-school/gw1")!.Health!;
        Assert.Equal((0, 3, 0, "primary", 1, 312L, false), (health.AlarmDepth, health.EventDepth, health.TelemetryDepth, health.Broker, health.AwaitingAck, health.LastAckLatencyMs, health.TestMode));
        view.WriteBoard();
        Assert.Contains("outbox alarm 0/event 3/telemetry 0, broker primary, awaiting ack 1, last ack latency 312 ms", screen.ToString(), StringComparison.Ordinal);
    }

    private async Task AssertShownOfflineInTimeAsync(int brokerPort, int gatewayPort, Func<GatewayProcess, Task> silence, TimeSpan brokerSweep)
    {
        const int keepAliveSeconds = 2;
        await using var center = new CenterConsole(new CenterOptions { Port = brokerPort }, TimeProvider.System);
        long? offlineAt = null;
        center.StatusChanged += (_, entry) =>
        {
            if (entry is { Online: false, OfflineReason: "connection-lost" })
            {
                offlineAt ??= TimeProvider.System.GetTimestamp();
            }
        };
        await center.ConnectAsync(CancellationToken.None);
        await using var gateway = Gateway.Create(gatewayPort, [Gateway.Input("office-panic", 17, "panic")], keepAliveSeconds);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.BoardEntry("test-school/gw1")?.Online == true, s_wait);

        var silentFrom = TimeProvider.System.GetTimestamp();
        await silence(gateway);
        await GatewayProcess.WaitUntilAsync(() => offlineAt is not null, s_wait);

        var entry = center.BoardEntry("test-school/gw1")!;
        Assert.False(entry.Online);
        Assert.Equal("connection-lost", entry.OfflineReason);
        var took = TimeProvider.System.GetElapsedTime(silentFrom, offlineAt!.Value);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"silent to board offline: {took.TotalMilliseconds:0} ms (keepalive {keepAliveSeconds} s)"));
        // Tolerance 1.5 s on top of 1.5 x keepalive (and the broker's sweep): the machine running the tests is loaded.
        Assert.True(took <= TimeSpan.FromSeconds((1.5 * keepAliveSeconds) + 1.5) + brokerSweep, $"offline after {took}");
    }

    internal static string Payload(string leaf, string id, long seq, string boot = "01a225cf-225b-76c3-a1b9-45dd3d25836d", string gateway = "gw1") => leaf == "telemetry"
        ? $$"""{"v":1,"id":"{{id}}","seq":{{seq}},"boot":"{{boot}}","site":"test-school","gateway":"{{gateway}}","sensor":"cold-room","type":"ds18b20","readings":{"temperatureC":4.13},"ts":"2026-11-29T05:40:00.000Z","synced":true}"""
        : $$"""{"v":1,"id":"{{id}}","seq":{{seq}},"boot":"{{boot}}","site":"test-school","gateway":"{{gateway}}","input":"hall-door","kind":"{{(leaf == "alarm" ? "intrusion" : "door")}}","state":"active","ts":"2026-11-29T05:40:00.000Z","synced":true,"location":"Hall"}""";
}
