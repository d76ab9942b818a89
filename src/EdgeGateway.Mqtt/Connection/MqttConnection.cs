using EdgeGateway.Core.Events;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Downlink;
using EdgeGateway.Mqtt.Uplink;
using MQTTnet;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>
/// Supervises the MQTT client: connects with a persistent session and a retained offline will, subscribes the
/// <see cref="DownlinkRouter"/>'s topics, announces the retained online status, keeps reconnecting forever
/// (<see cref="ReconnectPolicy"/>) to the broker <see cref="BrokerFailover"/> picks, and on a clean stop says
/// offline/shutdown before disconnecting. Connect and disconnect run only here.
/// </summary>
public sealed class MqttConnection : BackgroundService
{
    private readonly IMqttClient _client;
    private readonly MqttOptions _options;
    private readonly GatewayIdentity _identity;
    private readonly TopicScheme _topics;
    private readonly DownlinkRouter _router;
    private readonly StatusMessages _status;
    private readonly PathOutageRecorder _outages;
    private readonly BrokerFailover _failover;
    private readonly TimeProvider _time;
    private readonly ILogger<MqttConnection> _logger;
    private readonly ResiliencePipeline _reconnect;
    private readonly Lock _sessionLock = new();
    private TaskCompletionSource<MqttSession> _nextSession = NewSessionSource();
    private CancellationTokenSource? _sessionLost;
    private long _reconnects;
    private bool _connectedBefore;

    public MqttConnection(
        IOptions<MqttOptions> options,
        GatewayIdentity identity,
        TopicScheme topics,
        DownlinkRouter router,
        StatusMessages status,
        PathOutageRecorder outages,
        TimeProvider time,
        ILogger<MqttConnection> logger)
    {
        _options = options.Value;
        _identity = identity;
        _topics = topics;
        _router = router;
        _status = status;
        _outages = outages;
        _failover = new BrokerFailover(_options, identity, time);
        _time = time;
        _logger = logger;
        _reconnect = ReconnectPolicy.Build(_options, time, logger);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _client.ApplicationMessageReceivedAsync += router.RouteAsync;
    }

    /// <summary>Reconnections since start (the first connection does not count).</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    public bool IsConnected => _client.IsConnected;

    /// <summary>Which broker the gateway is connected to: <c>primary</c>, <c>secondary</c> or <c>none</c>.</summary>
    public string ConnectedBroker => _client.IsConnected ? _failover.Current : "none";

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
        _client.PublishAsync(_status.Online(), cancellationToken);

    /// <summary>Publishes a retained QoS 1 JSON message and returns the broker's PUBACK; throws when not connected.</summary>
    public Task<MqttClientPublishResult> PublishRetainedAsync(string topic, byte[] payload, CancellationToken cancellationToken) =>
        _client.PublishAsync(RetainedMessage.Json(topic, payload), cancellationToken);

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
                await _client.PublishAsync(_status.Shutdown(), cancellationToken);
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

    /// <summary>Watches the session until it ends, or, on the secondary, until the primary is back to switch to.</summary>
    private async Task WhileConnectedAsync(CancellationToken sessionOver)
    {
        var primaryWatch = _failover.WatchPrimary();
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

            if (await primaryWatch.PrimaryIsBackAsync(sessionOver))
            {
                await DropAsync("the primary broker is back");
                return;
            }
        }
    }

    private async ValueTask<MqttSession> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var target = _failover.NextTarget();
        MqttClientConnectResult result;
        try
        {
            result = await _client.ConnectAsync(GatewayClientOptions.Build(target.Options, _identity, _topics), cancellationToken);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
            }
        }
        catch (Exception)
        {
            _failover.ConnectFailed(target);
            throw;
        }

        _failover.Connected(target);
        var lost = new CancellationTokenSource();
        var session = _status.FitTo(new MqttSession(_client, lost.Token, result));
        if (_router.SubscribeOptions() is { } subscribe)
        {
            await _client.SubscribeAsync(subscribe, cancellationToken);
        }

        await PublishOnlineAsync(cancellationToken);
        Log.Connected(_logger, target.Options.Host, target.Options.Port, result.IsSessionPresent);
        _outages.PathRestored(target.Name, target.Options.Host);

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

        _outages.PathLost();
        _failover.SessionLost();
        Log.ConnectionLost(_logger, reason, detail);
        lost.Cancel();
    }

    private static TaskCompletionSource<MqttSession> NewSessionSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
