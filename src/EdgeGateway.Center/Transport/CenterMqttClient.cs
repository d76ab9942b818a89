using System.Buffers;
using System.Text;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeGateway.Center.Transport;

/// <summary>
/// The console's MQTT 5 connection: connects and subscribes, publishes acks and commands, and hands every received
/// message, in order, to one handler that runs off MQTTnet's receive callback.
/// </summary>
internal sealed class CenterMqttClient : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly Func<InboundMessage, Task> _handle;
    private readonly Action<Exception> _handlerFailed;

    // Received messages wait here for the handling loop, so that MQTTnet acknowledges them at once (see OnMessageAsync).
    private readonly Channel<InboundMessage> _inbox = Channel.CreateUnbounded<InboundMessage>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _handling;

    /// <param name="handle">Handles one received message; the next waits until it returns.</param>
    /// <param name="handlerFailed">Told when <paramref name="handle"/> threw; the messages after it are still handled.</param>
    public CenterMqttClient(Func<InboundMessage, Task> handle, Action<Exception> handlerFailed)
    {
        _handle = handle;
        _handlerFailed = handlerFailed;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <summary>
    /// Connects and subscribes to the streams (shared in <see cref="CenterOptions.Group"/>) and this console's own topics.
    /// Returns false when the broker refused the shared subscription and this console takes the whole stream.
    /// </summary>
    public async Task<bool> ConnectAsync(CenterOptions options, CancellationToken cancellationToken)
    {
        var connect = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(options.ClientId)
            .WithCleanStart(options.SessionExpirySeconds == 0)
            .WithSessionExpiryInterval(options.SessionExpirySeconds)
            .Build();
        _handling ??= Task.Run(HandleLoopAsync, CancellationToken.None);
        await _client.ConnectAsync(connect, cancellationToken);
        var share = $"$share/{options.Group}/";
        var result = await _client.SubscribeAsync(Subscription(CenterTopics.SharedStreams.Select(s => share + s).Concat(CenterTopics.OwnStreams)), cancellationToken);
        if (!result.Items.Any(i => (int)i.ResultCode >= 0x80 && i.TopicFilter.Topic.StartsWith(share, StringComparison.Ordinal)))
        {
            return true;
        }

        // A broker without shared subscriptions (MQTTnet's embedded one): this instance takes the whole stream.
        await _client.SubscribeAsync(Subscription(CenterTopics.SharedStreams), cancellationToken);
        return false;
    }

    /// <summary>Publishes at QoS 1.</summary>
    public async Task PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken) =>
        await _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            cancellationToken);

    /// <summary>
    /// Publishes a request at QoS 1 that names <paramref name="responseTopic"/> for its answer, with
    /// <paramref name="correlationId"/> as correlation data, and that the broker drops after <paramref name="expirySeconds"/>.
    /// </summary>
    public async Task PublishRequestAsync(string topic, byte[] payload, string responseTopic, string correlationId, uint expirySeconds, CancellationToken cancellationToken) =>
        await _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithResponseTopic(responseTopic)
                .WithCorrelationData(Encoding.UTF8.GetBytes(correlationId))
                .WithMessageExpiryInterval(expirySeconds)
                .Build(),
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        }

        _client.Dispose();
        _inbox.Writer.TryComplete();
        if (_handling is not null)
        {
            await _handling;
        }
    }

    private static MqttClientSubscribeOptions Subscription(IEnumerable<string> filters)
    {
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        return subscribe.Build();
    }

    /// <summary>
    /// Only queues the message: MQTTnet sends the PUBACK when this returns. Handling in the receive callback would hold
    /// each PUBACK until the message is printed, and a center slower than a gateway's drain then leaves the backlog in
    /// Mosquitto's per-client queue, which silently drops messages past <c>max_queued_messages</c> (10000 in
    /// deploy/mosquitto) while the client stays connected.
    /// </summary>
    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        // Copied: MQTTnet may reuse the payload's buffer once the callback has returned.
        var message = args.ApplicationMessage;
        _inbox.Writer.TryWrite(new InboundMessage(message.Topic, message.Payload.ToArray(), message.Retain));
        return Task.CompletedTask;
    }

    private async Task HandleLoopAsync()
    {
        await foreach (var message in _inbox.Reader.ReadAllAsync())
        {
            try
            {
                await _handle(message);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One message that cannot be handled (a subscriber threw, an ack could not be sent) must not stop the rest.
                _handlerFailed(ex);
            }
        }
    }
}
