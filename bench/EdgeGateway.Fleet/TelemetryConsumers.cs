using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeGateway.Fleet;

/// <summary>
/// The telemetry consumer (a time-series ingester in a real county): two clients in their own shared-subscription
/// group on <c>campus/v1/+/+/telemetry</c>, apart from the centers' alarm group. Records, per event id, the first
/// arrival and its age (ts → receive).
/// </summary>
internal sealed class TelemetryConsumers(int port) : IAsyncDisposable
{
    private readonly IMqttClient[] _clients = [new MqttClientFactory().CreateMqttClient(), new MqttClientFactory().CreateMqttClient()];
    private readonly ConcurrentDictionary<string, CenterPair.Arrival> _arrivals = new(StringComparer.Ordinal);
    private long _duplicates;

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public bool TryGetArrival(string id, out CenterPair.Arrival arrival) => _arrivals.TryGetValue(id, out arrival);

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < _clients.Length; i++)
        {
            _clients[i].ApplicationMessageReceivedAsync += OnMessageAsync;
            await _clients[i].ConnectAsync(
                new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500)
                    .WithClientId($"fleet-telemetry-{i}").WithCleanStart(true).Build(),
                cancellationToken);
            await _clients[i].SubscribeAsync(
                new MqttClientSubscribeOptionsBuilder().WithTopicFilter("$share/telemetry/campus/v1/+/+/telemetry", MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
            }

            client.Dispose();
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var now = Stopwatch.GetTimestamp();
        var received = TimeProvider.System.GetUtcNow();
        var payload = args.ApplicationMessage.Payload.ToArray();
        using var json = JsonDocument.Parse(payload);
        var id = json.RootElement.GetProperty("id").GetString() ?? "";
        var age = (received - json.RootElement.GetProperty("ts").GetDateTimeOffset()).TotalMilliseconds;
        var arrival = _arrivals.AddOrUpdate(id, _ => new CenterPair.Arrival(now, age, 1), (_, first) => first with { Count = first.Count + 1 });
        if (arrival.Count > 1)
        {
            Interlocked.Increment(ref _duplicates);
        }

        return Task.CompletedTask;
    }
}
