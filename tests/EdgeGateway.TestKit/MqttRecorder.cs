using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Connection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeGateway.TestKit;

/// <summary>One message as a subscriber received it.</summary>
public sealed record ReceivedMessage(string Topic, string Payload, bool Retained)
{
    public JsonElement Json => JsonDocument.Parse(Payload).RootElement;

    /// <summary>An event from the outbox (alarm, event or telemetry), not status or health.</summary>
    public bool IsEvent => Topic[(Topic.LastIndexOf('/') + 1)..] is TopicScheme.AlarmLeaf or TopicScheme.EventLeaf or TopicScheme.TelemetryLeaf;
}

/// <summary>
/// A plain MQTT 5 subscriber with a persistent session that records everything under <c>campus/v1/#</c> and
/// reconnects by itself when the broker restarts, like a center that stays connected throughout. Every message is
/// checked against the contract's schemas (<see cref="Contract"/>); a violation fails the test when the recorder is disposed.
/// </summary>
public sealed class MqttRecorder : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private Task? _reconnectLoop;
    private int _reconnects;

    public MqttRecorder(int port, string clientId = "test-center", string filter = "campus/v1/#", Action<MqttClientOptionsBuilder>? configure = null)
    {
        Filter = filter;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600);
        // TLS, client certificate and credentials for a secured broker.
        configure?.Invoke(builder);
        _options = builder.Build().WithSocketBuffers();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var message = new ReceivedMessage(e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray()), e.ApplicationMessage.Retain);
            Contract.Observe(message.Topic, message.Payload, e.ApplicationMessage.CorrelationData is { Length: > 0 });
            Messages.Enqueue(message);
            try
            {
                Received?.Invoke(message);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // MQTTnet withholds the PUBACK when the callback throws, and Mosquitto resends only after a reconnect.
                HandlerErrors.Enqueue(ex);
            }

            return Task.CompletedTask;
        };
    }

    public string Filter { get; }

    /// <summary>How often the recorder had to reconnect (the broker restarted or dropped it).</summary>
    public int Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>
    /// Raised on MQTTnet's receive thread for every message, after it is recorded. Keep handlers quick: the PUBACK waits
    /// for them, and a broker with a per-client queue limit drops what a slow subscriber leaves queued.
    /// </summary>
    public event Action<ReceivedMessage>? Received;

    public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();

    /// <summary>The contract check of everything received; asserted on dispose.</summary>
    public ContractMonitor Contract { get; } = new();

    /// <summary>What <see cref="Received"/> handlers threw (the messages were still recorded and acknowledged).</summary>
    public ConcurrentQueue<Exception> HandlerErrors { get; } = new();

    public IEnumerable<ReceivedMessage> On(string topicSuffix) => Messages.Where(m => m.Topic.EndsWith(topicSuffix, StringComparison.Ordinal));

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await ConnectAsync(cancellationToken);
        _reconnectLoop = Task.Run(ReconnectLoopAsync, CancellationToken.None);
    }

    public Task PublishAsync(string topic, string payload, CancellationToken cancellationToken = default) =>
        PublishAsync(topic, payload, retain: false, expirySeconds: 0, cancellationToken);

    /// <summary>Publishes at QoS 1, retained if asked, with an MQTT 5 message expiry unless <paramref name="expirySeconds"/> is 0.</summary>
    public async Task PublishAsync(string topic, string payload, bool retain, uint expirySeconds, CancellationToken cancellationToken = default)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain);
        if (expirySeconds > 0)
        {
            message.WithMessageExpiryInterval(expirySeconds);
        }

        await _client.PublishAsync(message.Build(), cancellationToken);
    }

    /// <summary>
    /// Publishes within <paramref name="timeout"/>; false when the broker is down or the deadline passed, so a
    /// simulated operator can keep going through broker outages.
    /// </summary>
    public async Task<bool> TryPublishAsync(string topic, string payload, TimeSpan timeout, CancellationToken cancellationToken, uint expirySeconds = 0)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await PublishAsync(topic, payload, retain: false, expirySeconds, deadline.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reconnectLoop is not null)
        {
            await _reconnectLoop;
        }

        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
            }
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // The broker went first (it is torn down before this recorder in some tests): nothing left to say goodbye to.
        }

        _client.Dispose();
        _stop.Dispose();
        Contract.AssertNoViolations();
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var result = await _client.ConnectAsync(_options, cancellationToken);
        if (!result.IsSessionPresent)
        {
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
        }
    }

    private async Task ReconnectLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, _stop.Token);
                if (!_client.IsConnected)
                {
                    await ConnectAsync(_stop.Token);
                    Interlocked.Increment(ref _reconnects);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
            {
                // Broker still down; try again.
            }
        }
    }
}
