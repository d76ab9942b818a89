using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Mqtt.Downlink;
using EdgeGateway.TestKit;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace EdgeGateway.Mqtt.Tests.Downlink;

public sealed class CommandListenerTests(ITestOutputHelper output) : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    private readonly FakeSounder _sounder = new();
    private readonly FakeLogger<CommandListener> _listenerLog = new();
    private readonly FakeLogger<DownlinkProblems> _problemLog = new();
    private DownlinkProblems? _problems;
    private UplinkHarness? _harness;
    private InputMonitor? _monitor;
    private TestModeSwitch? _testMode;
    private CommandListener? _listener;
    private string? _dataDirectory;

    [Fact]
    public async Task Command_ResultOnCmdResult()
    {
        var harness = await StartAsync();
        await using var center = new CenterClient(harness.Broker.Port);
        await center.StartAsync(harness.Topics.CommandResult);

        await center.PublishAsync(harness.Topics.Command, Command("c-1", "silence"));

        var result = await center.WaitForAsync(m => m.Topic == harness.Topics.CommandResult);
        Assert.Equal("c-1", result.Json.GetProperty("id").GetString());
        Assert.Equal("silence", result.Json.GetProperty("command").GetString());
        Assert.True(result.Json.GetProperty("ok").GetBoolean());
        Assert.False(result.Retained);
        Assert.Equal(1, _sounder.SilenceCalls);
    }

    [Fact]
    public async Task Command_WithResponseTopic_AnsweredThere_WithCorrelationDataEchoed()
    {
        var harness = await StartAsync();
        await using var center = new CenterClient(harness.Broker.Port);
        var responseTopic = harness.Topics.CommandResult + "/console-3";
        await center.StartAsync(harness.Topics.CommandResult + "/#");
        byte[] correlation = [0x01, 0x02, 0xFE, 0xFF];

        await center.PublishAsync(harness.Topics.Command, Command("c-2", "frobnicate"), responseTopic, correlation);

        var result = await center.WaitForAsync(m => m.Topic == responseTopic);
        Assert.Equal(correlation, result.CorrelationData);
        Assert.Equal("unknown-command", result.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain(center.Messages, m => m.Topic == harness.Topics.CommandResult);
    }

    [Fact]
    public async Task FloodOfGarbage_DoesNotStopAnAlarm_AndCommandsWorkAfterwards()
    {
        var harness = await StartAsync();
        await using var center = new CenterClient(harness.Broker.Port);
        await center.StartAsync("campus/v1/#");

        // A first alarm without a flood, for comparison.
        var quietLatency = await ForwardAlarmAsync(harness, center);

        // Act: 1000 bad commands of every kind as fast as the center can publish them, then a panic.
        var garbage = new[] { "{not json", "[]", "", Command("g", "frobnicate"), new string('{', 3000), new string('x', 5000), Command("g", "test-mode", "\"on\":\"yes\"") };
        for (var i = 0; i < 1000; i++)
        {
            await center.PublishAsync(harness.Topics.Command, garbage[i % garbage.Length].Replace("\"g\"", $"\"g-{i}\"", StringComparison.Ordinal));
        }

        var floodLatency = await ForwardAlarmAsync(harness, center);

        // A good command is answered again once the rate allows: the center repeats it under the same id, which
        // the gateway carries out once.
        var answered = await RepeatUntilAnsweredAsync(center, harness, Command("after-flood", "silence"), "after-flood");

        Assert.True(harness.Connection.IsConnected);
        Assert.True(answered.Json.GetProperty("ok").GetBoolean());
        Assert.Equal(1, _sounder.SilenceCalls);
        var results = center.Messages.Count(m => m.Topic == harness.Topics.CommandResult);
        output.WriteLine($"alarm forwarded in {quietLatency.TotalMilliseconds:F0} ms before the flood, {floodLatency.TotalMilliseconds:F0} ms right after it; {results} of 1001 commands answered");
        Assert.InRange(results, 1, 100);
        // Dropped commands are logged at most once a minute, each line saying how many it left out; all are counted.
        var dropped = _problemLog.Collector.GetSnapshot().Where(r => r.Id.Id == 1005 && r.Message.Contains("DroppedCommand", StringComparison.Ordinal)).ToList();
        Assert.Single(dropped);
        Assert.True(_problems!.Counts.DroppedCommands >= 900);
        Assert.True(_problems.Counts.MalformedCommands + _problems.Counts.UnknownCommands > 0);
    }

    [Fact]
    public async Task RetainedCommand_IsIgnored_Unanswered_AndCounted()
    {
        // A command retained on the broker before the gateway subscribes reaches it with the retain flag set.
        var harness = await StartAsync(async h =>
        {
            await using var early = new CenterClient(h.Broker.Port);
            await early.StartAsync("early/#");
            await early.PublishAsync(h.Topics.Command, Command("stuck", "silence"), retain: true);
        });
        await using var center = new CenterClient(harness.Broker.Port);
        await center.StartAsync(harness.Topics.CommandResult + "/#");

        await center.PublishAsync(harness.Topics.Command, Command("after", "silence"));

        var after = await center.WaitForAsync(m => m.Json.GetProperty("id").GetString() == "after");
        Assert.True(after.Json.GetProperty("ok").GetBoolean());
        Assert.DoesNotContain(center.Messages, m => m.Json.GetProperty("id").GetString() == "stuck");
        Assert.Equal(1, _sounder.SilenceCalls);
        Assert.Equal(1, _problems!.Counts.RetainedCommands);
    }

    [Fact]
    public async Task ForeignResponseTopic_IsRefused_AndAnsweredOnCmdResult()
    {
        var harness = await StartAsync();
        await using var center = new CenterClient(harness.Broker.Port);
        await center.StartAsync("#");

        await center.PublishAsync(harness.Topics.Command, Command("c-3", "silence"), "campus/v1/other-school/gw9/cmd", [0x07]);

        var result = await center.WaitForAsync(m => m.Topic == harness.Topics.CommandResult);
        Assert.Equal("foreign-response-topic", result.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal([0x07], result.CorrelationData);
        Assert.DoesNotContain(center.Messages, m => m.Topic.StartsWith("campus/v1/other-school", StringComparison.Ordinal) && m.Topic != "campus/v1/other-school/gw9/cmd");
        Assert.Equal(0, _sounder.SilenceCalls);
        Assert.Equal(1, _problems!.Counts.ForeignResponseTopics);
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.StopAsync(CancellationToken.None);
            _listener.Dispose();
        }

        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }

        _monitor?.Dispose();
        _testMode?.Dispose();
        if (_dataDirectory is not null)
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static string Command(string id, string command, string arguments = "") =>
        $$"""{"id":"{{id}}","command":"{{command}}","ts":"{{EventPayload.FormatTimestamp(TimeProvider.System.GetUtcNow())}}"{{(arguments.Length > 0 ? "," + arguments : "")}}}""";

    private static async Task<CenterMessage> RepeatUntilAnsweredAsync(CenterClient center, UplinkHarness harness, string command, string id)
    {
        using var timeout = new CancellationTokenSource(s_wait);
        while (true)
        {
            await center.PublishAsync(harness.Topics.Command, command);
            if (center.Messages.FirstOrDefault(m => m.Topic == harness.Topics.CommandResult && m.Json.GetProperty("id").GetString() == id) is { } answer)
            {
                return answer;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, timeout.Token);
        }
    }

    /// <summary>Appends a panic and returns how long it took to reach the center.</summary>
    private static async Task<TimeSpan> ForwardAlarmAsync(UplinkHarness harness, CenterClient center)
    {
        var alarm = harness.Append(EventKind.Panic).Single();
        var appendedAt = TimeProvider.System.GetTimestamp();
        harness.Signal.Notify();
        await center.WaitForAsync(m => m.Topic == harness.Topics.Alarm && m.Json.GetProperty("id").GetString() == alarm.EventId);
        return TimeProvider.System.GetElapsedTime(appendedAt);
    }

    private async Task<UplinkHarness> StartAsync(Func<UplinkHarness, Task>? beforeConnect = null)
    {
        _harness = await UplinkHarness.CreateAsync();
        if (beforeConnect is not null)
        {
            await beforeConnect(_harness);
        }

        var inputs = Options.Create(new InputsOptions { Inputs = [new() { Id = "office-panic", Pin = 17, Kind = EventKind.Panic, Location = "Main office" }] });
        _monitor = new InputMonitor(new FakeInputLines(), _harness.Recorder, inputs, Options.Create(new GpioOptions()), TimeProvider.System, NullLogger<InputMonitor>.Instance, new LivenessRegistry(TimeProvider.System));
        var options = Options.Create(new CommandOptions());
        _testMode = new TestModeSwitch(_harness.Recorder, options, TimeProvider.System, NullLogger<TestModeSwitch>.Instance);
        _problems = new DownlinkProblems(TimeProvider.System, _problemLog);
        _dataDirectory = Directory.CreateTempSubdirectory("edge-listener-").FullName;
        var memory = new CommandIdMemory(options, Options.Create(new GatewayOptions { DataDirectory = _dataDirectory }), TimeProvider.System, NullLogger<CommandIdMemory>.Instance);
        var processor = new CommandProcessor(
            _monitor, _testMode, new UnsyncedClock(), options, _harness.Topics, memory, _problems, TimeProvider.System, NullLogger<CommandProcessor>.Instance, _sounder);
        _listener = new CommandListener(_harness.Connection, _harness.Router, _harness.Topics, processor, _problems, options, TimeProvider.System, _listenerLog);
        await _listener.StartAsync(CancellationToken.None);
        await _harness.StartAsync();
        await _harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);
        return _harness;
    }

    private sealed class FakeSounder : ILocalSounder
    {
        private int _silenceCalls;

        public int SilenceCalls => Volatile.Read(ref _silenceCalls);

        public bool Silence()
        {
            Interlocked.Increment(ref _silenceCalls);
            return false;
        }
    }

    private sealed record CenterMessage(string Topic, byte[] Payload, bool Retained, byte[]? CorrelationData)
    {
        public JsonElement Json => JsonDocument.Parse(Payload).RootElement;
    }

    /// <summary>The center's side: publishes commands (with an MQTT 5 response topic if asked) and keeps what comes back.</summary>
    private sealed class CenterClient(int port) : IAsyncDisposable
    {
        private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
        private readonly SemaphoreSlim _arrived = new(0);

        public ConcurrentQueue<CenterMessage> Messages { get; } = new();

        public async Task StartAsync(string filter)
        {
            _client.ApplicationMessageReceivedAsync += e =>
            {
                var message = e.ApplicationMessage;
                Messages.Enqueue(new CenterMessage(message.Topic, message.Payload.ToArray(), message.Retain, message.CorrelationData));
                _arrived.Release();
                return Task.CompletedTask;
            };
            await _client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("test-center").Build());
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        /// <summary>Publishes as edge-center does: QoS 1 with a message expiry (the gateway's clock counts as unsynchronised here).</summary>
        public async Task PublishAsync(string topic, string payload, string? responseTopic = null, byte[]? correlationData = null, bool retain = false)
        {
            var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithMessageExpiryInterval(120).WithRetainFlag(retain);
            if (responseTopic is not null)
            {
                message.WithResponseTopic(responseTopic).WithCorrelationData(correlationData);
            }

            await _client.PublishAsync(message.Build());
        }

        public async Task<CenterMessage> WaitForAsync(Func<CenterMessage, bool> match)
        {
            using var timeout = new CancellationTokenSource(s_wait);
            while (true)
            {
                if (Messages.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                await _arrived.WaitAsync(timeout.Token);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync();
            }

            _client.Dispose();
            _arrived.Dispose();
        }
    }
}
