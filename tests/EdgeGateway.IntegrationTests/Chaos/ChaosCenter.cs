using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests.Chaos;

/// <summary>
/// The center during a chaos run: a subscriber connected straight to the broker (not through the frozen path) that
/// counts every event id it receives, and an operator who acknowledges every alarm and resets the latched panics
/// every couple of seconds, so the guard's presses keep making new alarms.
/// </summary>
internal sealed class ChaosCenter : IAsyncDisposable
{
    private const string GatewayTopic = "campus/v1/test-school/gw1/";
    private static readonly TimeSpan s_operatorPace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_publishDeadline = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, int> _deliveries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeliveredEvent> _firstDeliveries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _toAcknowledge = new();
    private int _eventMessages;

    public ChaosCenter(int brokerPort)
    {
        Recorder = new MqttRecorder(brokerPort, "chaos-center");
        Recorder.Received += Count;
    }

    public MqttRecorder Recorder { get; }

    /// <summary>Event messages received, repeats included.</summary>
    public int EventMessages => Volatile.Read(ref _eventMessages);

    /// <summary>Distinct event ids received.</summary>
    public int DeliveredIds => _deliveries.Count;

    public int AcksSent { get; private set; }

    public int AcksFailed { get; private set; }

    public int ResetsSent { get; private set; }

    public int ResetsFailed { get; private set; }

    public bool Delivered(string eventId) => _deliveries.ContainsKey(eventId);

    public IReadOnlyCollection<string> DeliveredEventIds() => [.. _deliveries.Keys];

    /// <summary>Each delivered id as it first arrived.</summary>
    public IReadOnlyCollection<DeliveredEvent> FirstDeliveries() => [.. _firstDeliveries.Values];

    public Task StartAsync() => Recorder.StartAsync();

    /// <summary>Acknowledges what arrived and resets the panics, until stopped; a publish the broker refuses is skipped.</summary>
    public async Task OperateAsync(CancellationToken stop)
    {
        try
        {
            for (var tick = 0; ; tick++)
            {
                await Task.Delay(s_operatorPace, TimeProvider.System, stop);
                while (_toAcknowledge.TryDequeue(out var alarmId))
                {
                    // An ack lost to an outage is not retried: the gateway publishes the alarm again and it is acked then.
                    var ack = JsonSerializer.Serialize(new { id = alarmId, by = "chaos-operator", ts = Now() });
                    if (await Recorder.TryPublishAsync(GatewayTopic + "ack", ack, s_publishDeadline, stop))
                    {
                        AcksSent++;
                    }
                    else
                    {
                        AcksFailed++;
                    }
                }

                if (tick % 2 == 1)
                {
                    var reset = $$"""{"id":"chaos-reset-{{tick.ToString(CultureInfo.InvariantCulture)}}","command":"reset","ts":"{{Now()}}"}""";
                    // With a message expiry, as edge-center sends commands: without one an unsynchronised gateway refuses them.
                    if (await Recorder.TryPublishAsync(GatewayTopic + "cmd", reset, s_publishDeadline, stop, expirySeconds: 120))
                    {
                        ResetsSent++;
                    }
                    else
                    {
                        ResetsFailed++;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shift over.
        }
    }

    public ValueTask DisposeAsync() => Recorder.DisposeAsync();

    private static string Now() => EventPayload.FormatTimestamp(TimeProvider.System.GetUtcNow());

    private static string Text(JsonElement json, string property) =>
        json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private void Count(ReceivedMessage message)
    {
        if (!message.IsEvent)
        {
            return;
        }

        using var json = JsonDocument.Parse(message.Payload);
        var id = json.RootElement.GetProperty("id").GetString()!;
        Interlocked.Increment(ref _eventMessages);
        _deliveries.AddOrUpdate(id, 1, (_, count) => count + 1);
        var root = json.RootElement;
        _firstDeliveries.TryAdd(id, new DeliveredEvent(
            id, root.GetProperty("seq").GetInt64(), Text(root, "input"), Text(root, "kind"), Text(root, "state"), Text(root, "ts")));
        if (message.Topic.EndsWith("/alarm", StringComparison.Ordinal))
        {
            _toAcknowledge.Enqueue(id);
        }
    }
}

/// <summary>One event as the center first received it.</summary>
internal sealed record DeliveredEvent(string Id, long Seq, string Input, string Kind, string State, string Timestamp);
