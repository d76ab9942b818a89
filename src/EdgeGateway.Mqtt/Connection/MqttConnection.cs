using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Uplink;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>
/// Owns the MQTT client: connects with a persistent session and a retained offline will, announces the
/// retained online status, keeps reconnecting forever with capped jittered backoff (MQTTnet 5 has no managed
/// client), and on a clean stop says offline/shutdown before disconnecting. Connect and disconnect run only here.
/// </summary>
public sealed class MqttConnection : BackgroundService
{
    private readonly IMqttClient _client;
    private readonly MqttOptions _options;
    private readonly MqttOptions? _secondary;
    private readonly EventRecorder _recorder;
    private readonly Func<OutboxDrops> _dropped;
    private readonly GatewayIdentity _identity;
    private readonly TopicScheme _topics;
    private readonly IReadOnlyList<InputOptions> _inputs;
    private readonly TimeProvider _time;
    private readonly ILogger<MqttConnection> _logger;
    private readonly ResiliencePipeline _reconnect;
    private readonly Dictionary<string, Action<MqttApplicationMessage>> _handlers = new(StringComparer.Ordinal);
    private readonly Lock _sessionLock = new();
    private TaskCompletionSource<MqttSession> _nextSession = NewSessionSource();
    private CancellationTokenSource? _sessionLost;
    private long _reconnects;
    private bool _connectedBefore;

    // Monotonic timestamps: a clock step of months changes neither failover nor outage lengths.
    private long? _primaryDownSince;
    private long _pathLostAt;
    private DateTimeOffset _pathLostAtWall;
    private volatile string _broker = "none";

    public MqttConnection(
        IOptions<MqttOptions> options,
        IOptions<InputsOptions> inputs,
        GatewayIdentity identity,
        TopicScheme topics,
        EventRecorder recorder,
        IOutboxStore store,
        TimeProvider time,
        ILogger<MqttConnection> logger)
    {
        _dropped = () => store.Dropped;
        _options = options.Value;
        _secondary = _options.Secondary is null ? null : _options.ForSecondary();
        _recorder = recorder;
        _pathLostAt = time.GetTimestamp();
        _pathLostAtWall = time.GetUtcNow();
        _identity = identity;
        _topics = topics;
        _inputs = inputs.Value.Inputs;
        _time = time;
        _logger = logger;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _reconnect = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(_options.ReconnectDelayMs),
                MaxDelay = TimeSpan.FromSeconds(_options.ReconnectMaxDelaySeconds),
                OnRetry = args =>
                {
                    Log.ConnectFailed(_logger, _options.Host, _options.Port, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message ?? "");
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Reconnections since start (the first connection does not count).</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    public bool IsConnected => _client.IsConnected;

    /// <summary>Which broker the gateway is connected to: <c>primary</c>, <c>secondary</c> or <c>none</c>.</summary>
    public string ConnectedBroker => _client.IsConnected ? _broker : "none";

    /// <summary>Tears the session down (a dead path, or a switch back to the primary); the loop reconnects.</summary>
    public async Task DropAsync(string reason)
    {
        Log.Dropping(_logger, reason);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
        try
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.UnspecifiedError).Build(), timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // A dead path cannot carry the DISCONNECT; the session is over either way.
        }
    }

    /// <summary>Routes messages on <paramref name="topic"/> to <paramref name="handler"/>; subscribed at every connect.</summary>
    public void Subscribe(string topic, Action<MqttApplicationMessage> handler) => _handlers[topic] = handler;

    /// <summary>Waits until the gateway is connected and returns that session.</summary>
    public Task<MqttSession> WaitForSessionAsync(CancellationToken cancellationToken)
    {
        lock (_sessionLock)
        {
            return _nextSession.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Publishes the retained online status: at every connect, and again on request (the <c>status</c> command).</summary>
    public Task<MqttClientPublishResult> PublishOnlineAsync(CancellationToken cancellationToken) =>
        PublishRetainedAsync(_topics.Status, StatusPayload.Online(_identity, _inputs, _time.GetUtcNow(), _dropped()), cancellationToken);

    /// <summary>Publishes a retained QoS 1 JSON message and returns the broker's PUBACK; throws when not connected.</summary>
    public Task<MqttClientPublishResult> PublishRetainedAsync(string topic, byte[] payload, CancellationToken cancellationToken) =>
        _client.PublishAsync(Retained(topic, payload), cancellationToken);

    /// <summary>
    /// Runs <paramref name="whileConnected"/> for every session until <paramref name="stoppingToken"/> fires, with a token
    /// that fires when that session ends or the gateway stops; that cancellation ends the call quietly.
    /// </summary>
    public async Task ForEachSessionAsync(Func<MqttSession, CancellationToken, Task> whileConnected, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(whileConnected);
        while (!stoppingToken.IsCancellationRequested)
        {
            MqttSession session;
            try
            {
                session = await WaitForSessionAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using var sessionOver = CancellationTokenSource.CreateLinkedTokenSource(session.Lost, stoppingToken);
            try
            {
                await whileConnected(session, sessionOver.Token);
            }
            catch (OperationCanceledException)
            {
                // The session ended (wait for the next one) or the gateway is stopping (the loop ends).
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.UseTls && !_options.IsLoopback)
        {
            Log.InsecureTransport(_logger, _options.Host);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var session = await _reconnect.ExecuteAsync(ConnectOnceAsync, stoppingToken);
            using var sessionOver = CancellationTokenSource.CreateLinkedTokenSource(session.Lost, stoppingToken);
            try
            {
                await WhileConnectedAsync(sessionOver.Token);
            }
            catch (OperationCanceledException)
            {
                // Session lost or stopping; the loop decides which.
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        lock (_sessionLock)
        {
            // A clean stop is not a lost connection.
            _sessionLost = null;
        }

        if (_client.IsConnected)
        {
            try
            {
                await _client.PublishAsync(Retained(_topics.Status, StatusPayload.Offline(_identity, "shutdown")), cancellationToken);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
                Log.Disconnected(_logger, "shutdown");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.ShutdownPublishFailed(_logger, ex.Message);
            }
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    /// <summary>On the secondary, checks now and then whether the primary is back, and switches to it.</summary>
    private async Task WhileConnectedAsync(CancellationToken sessionOver)
    {
        var onSecondary = _broker == "secondary";
        var nextProbe = _time.GetTimestamp();
        while (true)
        {
            // MQTTnet reports a drop that races the end of ConnectAsync to nobody; a look at the client every
            // keepalive bounds such a silent session (seen with 500 gateways reconnecting at once).
            await Task.Delay(TimeSpan.FromSeconds(_options.KeepAliveSeconds), _time, sessionOver);
            if (!_client.IsConnected)
            {
                EndSession("the client is no longer connected", "");
                return;
            }

            if (!onSecondary || _time.GetElapsedTime(nextProbe) < TimeSpan.FromSeconds(_options.PrimaryProbeSeconds))
            {
                continue;
            }

            nextProbe = _time.GetTimestamp();
            // The same TCP check as selftest's: a broker that accepts connections again is worth switching back to.
            if ((await new MqttProbe(_options, _identity, _time).TcpAsync(sessionOver)).Passed)
            {
                _primaryDownSince = null;
                await DropAsync("the primary broker is back");
                return;
            }
        }
    }

    private bool FailedOver => _secondary is not null && _primaryDownSince is { } since
        && _time.GetElapsedTime(since) >= TimeSpan.FromSeconds(_options.FailoverAfterSeconds);

    private async ValueTask<MqttSession> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var useSecondary = FailedOver;
        var target = useSecondary ? _secondary! : _options;
        MqttClientConnectResult result;
        try
        {
            result = await _client.ConnectAsync(GatewayClientOptions.Build(target, _identity, _topics), cancellationToken);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
            }
        }
        catch (Exception) when (!useSecondary)
        {
            _primaryDownSince ??= _time.GetTimestamp();
            throw;
        }

        _broker = useSecondary ? "secondary" : "primary";
        if (!useSecondary)
        {
            _primaryDownSince = null;
        }

        var lost = new CancellationTokenSource();
        var session = new MqttSession(_client, lost.Token, result.IsSessionPresent);
        if (_handlers.Count > 0)
        {
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var topic in _handlers.Keys)
            {
                subscribe.WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce);
            }

            await _client.SubscribeAsync(subscribe.Build(), cancellationToken);
        }

        await PublishOnlineAsync(cancellationToken);
        Log.Connected(_logger, target.Host, target.Port, result.IsSessionPresent);
        ReportOutage(target);

        lock (_sessionLock)
        {
            if (_connectedBefore)
            {
                Interlocked.Increment(ref _reconnects);
            }

            _connectedBefore = true;
            _sessionLost = lost;
            _nextSession.TrySetResult(session);
        }

        if (!_client.IsConnected)
        {
            // Dropped after ConnectAsync and before the session was registered: OnDisconnectedAsync found none to end.
            EndSession("lost while connecting", "");
        }

        return session;
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        if (args.ClientWasConnected)
        {
            EndSession(args.Reason.ToString(), args.Exception?.Message ?? "");
        }

        return Task.CompletedTask;
    }

    /// <summary>Marks the current session lost (once): its loops stop and the connect loop starts over.</summary>
    private void EndSession(string reason, string detail)
    {
        CancellationTokenSource? lost;
        lock (_sessionLock)
        {
            lost = _sessionLost;
            _sessionLost = null;
            if (_nextSession.Task.IsCompleted)
            {
                _nextSession = NewSessionSource();
            }
        }

        if (lost is null)
        {
            return;
        }

        _pathLostAt = _time.GetTimestamp();
        _pathLostAtWall = _time.GetUtcNow();
        if (_broker == "primary")
        {
            _primaryDownSince ??= _pathLostAt;
        }

        Log.ConnectionLost(_logger, reason, detail);
        lost.Cancel();
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        if (_handlers.TryGetValue(args.ApplicationMessage.Topic, out var handler))
        {
            try
            {
                handler(args.ApplicationMessage);
            }
            catch (Exception ex)
            {
                // A bad downlink message must never take the connection down.
                Log.HandlerFailed(_logger, args.ApplicationMessage.Topic, ex);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>An outage longer than the keepalive becomes a path-fault event, sent now that the path is back.</summary>
    private void ReportOutage(MqttOptions target)
    {
        var duration = _time.GetElapsedTime(_pathLostAt);
        if (duration <= TimeSpan.FromSeconds(_options.KeepAliveSeconds))
        {
            return;
        }

        var end = _time.GetUtcNow();
        _recorder.RecordFault("uplink", EventState.Restored, new Dictionary<string, string>
        {
            ["fault"] = "path",
            ["start"] = EventPayload.FormatTimestamp(_pathLostAtWall),
            ["end"] = EventPayload.FormatTimestamp(end),
            ["durationSeconds"] = ((long)duration.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["broker"] = _broker,
            ["host"] = target.Host,
        });
    }

    private static MqttApplicationMessage Retained(string topic, byte[] payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(payload)
        .WithRetainFlag(true)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithContentType("application/json")
        .Build();

    private static TaskCompletionSource<MqttSession> NewSessionSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
