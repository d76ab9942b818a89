using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Downlink;
using EdgeGateway.Mqtt.Uplink;
using MQTTnet;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>
/// Supervises the MQTT client: connects with a persistent session and a retained offline will, subscribes the
/// <see cref="DownlinkRouter"/>'s topics, announces the retained online status, keeps reconnecting forever
/// (<see cref="ReconnectPolicy"/>, cut short by a waiting alarm: <see cref="ReconnectWait"/>) to the broker
/// <see cref="BrokerFailover"/> picks, and on a clean stop says offline/shutdown before disconnecting. Every wait on the
/// broker has a deadline of its own (<see cref="Deadline"/>): a broker that accepts TCP and never answers costs one
/// deadline and counts as a failed attempt. Connect and disconnect run only here.
/// </summary>
public sealed class MqttConnection : SupervisedLoop
{
    private readonly IMqttClient _client;
    private readonly MqttOptions _options;
    private readonly GatewayIdentity _identity;
    private readonly StatusMessages _status;
    private readonly PathOutageRecorder _outages;
    private readonly BrokerFailover _failover;
    private readonly TimeProvider _time;
    private readonly ILogger<MqttConnection> _logger;
    private readonly EventRecorder _recorder;
    private readonly ReconnectPolicy _backoff;
    private readonly ReconnectWait _wait;
    private readonly ConnectSteps _steps;
    private readonly TimeSpan _pubackDeadline;
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
        EventRecorder recorder,
        TimeProvider time,
        ILogger<MqttConnection> logger)
    {
        _options = options.Value;
        _identity = identity;
        _status = status;
        _outages = outages;
        _failover = new BrokerFailover(_options, time);
        _time = time;
        _logger = logger;
        _recorder = recorder;
        _backoff = new ReconnectPolicy(_options);
        _pubackDeadline = PubackDeadline.For(_options);
        _wait = new ReconnectWait(TimeSpan.FromSeconds(_options.ExpeditedConnectMinSeconds), time);
        _recorder.Accepted += OnAccepted;
        _client = new MqttClientFactory().CreateMqttClient();
        _steps = new ConnectSteps(_client, _options, identity, topics, router, outages, time, logger);
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
        await _steps.DisconnectQuietlyAsync();
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
    public Task<MqttClientPublishResult> PublishOnlineAsync(CancellationToken cancellationToken) => PublishAsync(_status.Online(), cancellationToken);

    /// <summary>Publishes a retained QoS 1 JSON message and returns the broker's PUBACK; throws when not connected.</summary>
    public Task<MqttClientPublishResult> PublishRetainedAsync(string topic, byte[] payload, CancellationToken cancellationToken) => PublishAsync(RetainedMessage.Json(topic, payload), cancellationToken);

    /// <summary>A QoS 1 publish whose PUBACK must come within <see cref="PubackDeadline"/>, or it throws <see cref="PubackOverdueException"/>.</summary>
    public Task<MqttClientPublishResult> PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken) => _client.PublishWithinAsync(message, _pubackDeadline, _time, cancellationToken);

    /// <summary>Whether a retained JSON message of <paramref name="payload"/> on <paramref name="topic"/> fits the broker's Maximum Packet Size.</summary>
    public bool Fits(string topic, byte[] payload) => _status.Fits(RetainedMessage.Json(topic, payload));

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

    protected override async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        if (!_options.UseTls && !_options.IsLoopback)
        {
            Log.InsecureTransport(_logger, _options.Host);
        }

        BrokerTarget? previous = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var target = _failover.NextTarget();
            if (previous is { } last && last.Name != target.Name)
            {
                Log.SwitchingBroker(_logger, last.Name, target.Name, target.Options.Host, target.Options.Port);
                _backoff.Reset();
            }

            previous = target;
            var started = _time.GetTimestamp();
            MqttSession session;
            try
            {
                session = await ConnectOnceAsync(target, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _failover.ConnectFailed(target, started);
                await WaitBeforeNextAttemptAsync(target, ex, stoppingToken);
                continue;
            }

            _backoff.Reset();
            using var sessionOver = CancellationTokenSource.CreateLinkedTokenSource(session.Lost, stoppingToken);
            try
            {
                await WhileConnectedAsync(target, sessionOver.Token);
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
            // A broker that stopped answering must not hold up the stop: the will says offline in its place.
            using var deadline = new Deadline(ConnectSteps.DisconnectTimeout, _time, cancellationToken);
            try
            {
                await _client.PublishAsync(_status.Shutdown(), deadline.Token);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), deadline.Token);
                Log.Disconnected(_logger, "shutdown");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || deadline.Expired)
            {
                Log.ShutdownPublishFailed(_logger, deadline.Expired ? $"no answer within {ConnectSteps.DisconnectTimeout.TotalSeconds:0} s" : ex.Message);
            }
        }
    }

    public override void Dispose()
    {
        _recorder.Accepted -= OnAccepted;
        _client.Dispose();
        base.Dispose();
    }

    /// <summary>Watches the session until it ends, or, on the secondary, until the primary is back to switch to.</summary>
    private async Task WhileConnectedAsync(BrokerTarget target, CancellationToken sessionOver)
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

            await _steps.RetryRefusedSubscriptionAsync(target, sessionOver);

            if (await primaryWatch.PrimaryIsBackAsync(ProbePrimaryAsync, sessionOver))
            {
                await DropAsync("the primary broker is back");
                return;
            }
        }
    }

    /// <summary>
    /// One attempt: CONNACK within <see cref="MqttOptions.ConnectTimeoutSeconds"/>, then SUBACK and the online PUBACK
    /// within the keepalive. Any failure after CONNACK disconnects the client first, so the next attempt starts clean.
    /// </summary>
    private async Task<MqttSession> ConnectOnceAsync(BrokerTarget target, CancellationToken stoppingToken)
    {
        var result = await _steps.ConnectAsync(target, stoppingToken);
        var lost = new CancellationTokenSource();
        var session = _status.FitTo(new MqttSession(_client, lost.Token, result));
        var keepAlive = TimeSpan.FromSeconds(_options.KeepAliveSeconds);
        using (var deadline = new Deadline(keepAlive, _time, stoppingToken))
        {
            try
            {
                await _steps.SubscribeAsync(target, deadline.Token);
                // Within the connect's keepalive deadline, not also the (shorter) PUBACK deadline of a live session.
                await _client.PublishAsync(_status.Online(), deadline.Token);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                lost.Dispose();
                await _steps.DisconnectQuietlyAsync();
                if (ex is OperationCanceledException)
                {
                    throw new TimeoutException($"no SUBACK or PUBACK of the online status within the keepalive ({keepAlive.TotalSeconds:0} s)", ex);
                }

                throw;
            }
        }

        _failover.Connected(target);
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

        // The waiting alarm goes out through this session; a later outage starts with the backoff again.
        _wait.Connected();
        if (!_client.IsConnected)
        {
            // Dropped after ConnectAsync and before the session was registered: OnDisconnectedAsync found none to end.
            EndSession("lost while connecting", "");
        }

        return session;
    }

    /// <summary>The backoff, shortened when the failover to the other broker falls due first, and cut short by an alarm.</summary>
    private async Task WaitBeforeNextAttemptAsync(BrokerTarget target, Exception failure, CancellationToken stoppingToken)
    {
        var delay = _backoff.NextDelay();
        if (_failover.UntilSwitch() is { } untilSwitch && untilSwitch < delay)
        {
            delay = untilSwitch < TimeSpan.Zero ? TimeSpan.Zero : untilSwitch;
        }

        Log.ConnectFailed(_logger, target.Options.Host, target.Options.Port, _backoff.Failures, (long)delay.TotalMilliseconds, failure.Message);
        if (await _wait.DelayAsync(delay, stoppingToken))
        {
            Log.ExpeditedConnect(_logger);
        }
    }

    /// <summary>The failback check: a side client's full MQTT round trip through the primary, under its own deadline.</summary>
    private async Task<ProbeResult> ProbePrimaryAsync(BrokerTarget primary, CancellationToken sessionOver)
    {
        ProbeResult result;
        try
        {
            var (connect, roundTrip) = await MqttProbe.ForFailback(primary.Options, _identity, _time).ConnectAndRoundTripAsync(sessionOver);
            result = connect.Passed ? roundTrip : connect;
        }
        catch (Exception ex) when (!sessionOver.IsCancellationRequested)
        {
            // Whatever the probe hits (a bad certificate file, a refused socket), the session on the secondary stays.
            result = new ProbeResult(false, ex.Message);
        }

        if (!result.Passed)
        {
            Log.PrimaryNotBack(_logger, primary.Options.Host, primary.Options.Port, result.Detail);
        }

        return result;
    }

    /// <summary>An alarm accepted while no session is up should not wait out the backoff.</summary>
    private void OnAccepted(IReadOnlyList<OutboxEntry> entries)
    {
        if (ConnectSteps.IsRecordingOwnFault || !entries.Any(entry => entry.Lane == Lane.Alarm))
        {
            return;
        }

        lock (_sessionLock)
        {
            if (_sessionLost is not null)
            {
                return;
            }
        }

        _wait.AlarmWaiting();
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        if (args.ClientWasConnected)
        {
            EndSession(args.Reason.ToString(), args.Exception?.Message ?? "");
        }

        if (args.Reason == MqttClientDisconnectReason.SessionTakenOver)
        {
            var broker = _failover.Current;
            Log.SessionTakenOver(_logger, broker);
            var host = broker == BrokerFailover.Secondary ? _options.Secondary?.Host ?? _options.Host : _options.Host;
            ConnectSteps.RecordOwnFault(() => _outages.SessionTakenOver(broker, host));
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
