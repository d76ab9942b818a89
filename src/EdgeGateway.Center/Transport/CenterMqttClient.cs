using System.Buffers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeGateway.Center.Transport;

/// <summary>
/// The console's MQTT 5 connection: keeps itself connected (forever, jittered exponential backoff, a persistent
/// session, resubscribing after every connect), publishes acks and commands, and hands every received message, in
/// order, to one handler that runs off MQTTnet's receive callback.
/// </summary>
internal sealed class CenterMqttClient : IAsyncDisposable
{
    private readonly CenterOptions _options;
    private readonly TimeProvider _time;
    private readonly IMqttClient _client;
    private readonly Func<InboundMessage, Task> _handle;
    private readonly Action<Exception> _handlerFailed;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Received messages wait here for the handling loop, so that MQTTnet acknowledges them at once (see OnMessageAsync).
    private readonly Channel<InboundMessage> _inbox = Channel.CreateUnbounded<InboundMessage>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _handling;
    private Task? _connecting;
    private ushort _brokerReceiveMaximum = ushort.MaxValue;
    private TaskCompletionSource<string> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="options">Broker, transport security, session and reconnect settings.</param>
    /// <param name="time">The clock of the connect deadline and the reconnect waits.</param>
    /// <param name="handle">Handles one received message; the next waits until it returns.</param>
    /// <param name="handlerFailed">Told when <paramref name="handle"/> or a connection event's subscriber threw; the rest still run.</param>
    public CenterMqttClient(CenterOptions options, TimeProvider time, Func<InboundMessage, Task> handle, Action<Exception> handlerFailed)
    {
        _options = options;
        _time = time;
        _handle = handle;
        _handlerFailed = handlerFailed;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += args =>
        {
            if (args.ClientWasConnected)
            {
                _lost.TrySetResult(Describe(args.Exception) ?? $"disconnected ({args.Reason})");
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Connected and subscribed: true when the broker took the shared subscription (false: this console takes the whole stream).</summary>
    public event Action<bool>? Connected;

    /// <summary>An attempt failed: (why, in words; the wait before the next one).</summary>
    public event Action<string, TimeSpan>? ConnectFailed;

    /// <summary>The connection was lost: why. The console reconnects by itself.</summary>
    public event Action<string>? ConnectionLost;

    public bool IsConnected => _client.IsConnected;

    /// <summary>How many publishes may await their PUBACK at once: 32, or fewer when the broker's CONNACK says so (Receive Maximum).</summary>
    public int PublishWindowSize => Math.Min(32, (int)Volatile.Read(ref _brokerReceiveMaximum));

    /// <summary>
    /// Starts keeping the connection (on its own, until disposed) and returns once it is first connected and
    /// subscribed; <paramref name="cancellationToken"/> ends only this wait, not the reconnecting.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        _handling ??= Task.Run(HandleLoopAsync, CancellationToken.None);
        _connecting ??= Task.Run(() => KeepConnectedAsync(_stop.Token), CancellationToken.None);
        await _firstConnect.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Publishes at QoS 1 and waits for the PUBACK, at most <see cref="CenterOptions.ConnectTimeoutSeconds"/>.</summary>
    public Task PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken) =>
        PublishWithDeadlineAsync(
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
    public Task PublishRequestAsync(string topic, byte[] payload, string responseTopic, string correlationId, uint expirySeconds, CancellationToken cancellationToken) =>
        PublishWithDeadlineAsync(
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
        await _stop.CancelAsync();
        if (_connecting is not null)
        {
            await _connecting;
        }

        // Whoever still waits for the first connect learns it will not come.
        _firstConnect.TrySetCanceled();

        if (_client.IsConnected)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds), _time);
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _client.Dispose();
        _stop.Dispose();
        _inbox.Writer.TryComplete();
        if (_handling is not null)
        {
            await _handling;
        }
    }

    /// <summary>Why a connect failed or a connection ended, in words an operator can act on.</summary>
    internal static string? Describe(Exception? exception) => exception switch
    {
        null => null,
        BrokerRefusedException or InvalidDataException => exception.Message,
        _ when Inner<BrokerCertificateRejectedException>(exception) is { } broker => $"TLS handshake failed: {broker.Message}",
        _ when Inner<AuthenticationException>(exception) is { } tls =>
            $"TLS handshake failed: {tls.Message} (an alert from the broker means it refused --client-cert: it must be issued by the broker's CA)",
        // The broker was not reached at all; a connection closed after it was reached is the case below.
        _ when Inner<SocketException>(exception) is { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TryAgain } socket =>
            $"{exception.Message} ({socket.SocketErrorCode})",
        _ => $"{string.Join(": ", Chain(exception).Select(e => e.Message).Distinct())} (a TLS connection cut off at once: the broker may refuse --client-cert, which must be issued by its CA)",
    };

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static T? Inner<T>(Exception exception)
        where T : Exception => Chain(exception).OfType<T>().FirstOrDefault();

    private async Task KeepConnectedAsync(CancellationToken stop)
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(_options.ReconnectDelayMs), TimeSpan.FromSeconds(_options.ReconnectMaxDelaySeconds), Random.Shared);
        while (!stop.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var lost = _lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                var shared = await ConnectOnceAsync(stop);
                backoff.Reset();
                Raise(() => Connected?.Invoke(shared));
                _firstConnect.TrySetResult();
                var why = await lost.Task.WaitAsync(stop);
                Raise(() => ConnectionLost?.Invoke(why));
                wait = backoff.Next();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                wait = backoff.Next();
                var why = ex is OperationCanceledException
                    ? $"no CONNACK and SUBACK within {_options.ConnectTimeoutSeconds} s (--connect-timeout)"
                    : Describe(ex)!;
                Raise(() => ConnectFailed?.Invoke(why, wait));
            }

            try
            {
                await Task.Delay(wait, _time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One attempt under a deadline this code owns (MQTTnet's own timeout does not apply when a cancellable token is
    /// passed): connect, then subscribe again, also on a resumed session (a broker that lost it has no subscriptions).
    /// </summary>
    private async Task<bool> ConnectOnceAsync(CancellationToken stop)
    {
        var connect = ConnectOptions(_options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds), _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            var result = await _client.ConnectAsync(connect, deadline.Token);
            if (result.ResultCode is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized)
            {
                throw new BrokerRefusedException($"the broker refused the login ({result.ResultCode}): check the account in --credentials-file");
            }

            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new BrokerRefusedException($"the broker refused the connection ({result.ResultCode} {result.ReasonString})");
            }

            Volatile.Write(ref _brokerReceiveMaximum, result.ReceiveMaximum is > 0 and var maximum ? maximum : ushort.MaxValue);
            return await SubscribeAsync(deadline.Token);
        }
        catch when (_client.IsConnected)
        {
            // Connected but not subscribed: a console that hears nothing must not look connected; the next attempt starts over.
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
    }

    /// <summary>The CONNECT options, files (certificates, password) read anew: MQTT 5, the session, transport security, socket buffers.</summary>
    internal static MqttClientOptions ConnectOptions(CenterOptions options)
    {
        var connect = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(options.ClientId)
            .WithCleanStart(options.SessionExpirySeconds == 0)
            .WithSessionExpiryInterval(options.SessionExpirySeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds));
        CenterTransportSecurity.Configure(connect, options);
        return connect.Build().WithSocketBuffers();
    }

    /// <summary>Returns false when the broker refused the shared subscription and this console takes the whole stream.</summary>
    private async Task<bool> SubscribeAsync(CancellationToken cancellationToken)
    {
        var share = $"$share/{_options.Group}/";
        var result = await _client.SubscribeAsync(Subscription(CenterTopics.SharedStreams.Select(s => share + s).Concat(CenterTopics.OwnStreams)), cancellationToken);
        if (!result.Items.Any(i => (int)i.ResultCode >= 0x80 && i.TopicFilter.Topic.StartsWith(share, StringComparison.Ordinal)))
        {
            return true;
        }

        // A broker without shared subscriptions (MQTTnet's embedded one): this instance takes the whole stream.
        await _client.SubscribeAsync(Subscription(CenterTopics.SharedStreams), cancellationToken);
        return false;
    }

    private void Raise(Action raise)
    {
        try
        {
            raise();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _handlerFailed(ex);
        }
    }

    private async Task PublishWithDeadlineAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        // A broker that takes the PUBLISH and never answers must not hold the handling loop (and every message behind it).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds), _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        await _client.PublishAsync(message, deadline.Token);
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

/// <summary>The broker answered CONNACK with a refusal; the message says which and what to check.</summary>
internal sealed class BrokerRefusedException(string message) : Exception(message);
