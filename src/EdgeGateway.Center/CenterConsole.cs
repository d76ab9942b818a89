using EdgeGateway.Center.Acks;
using EdgeGateway.Center.Board;
using EdgeGateway.Center.Commands;
using EdgeGateway.Center.Dedup;
using EdgeGateway.Center.Gaps;
using EdgeGateway.Center.Transport;

namespace EdgeGateway.Center;

/// <summary>
/// The center side: receives alarms, events and telemetry (deduplicated by id, gaps in seq detected per gateway),
/// keeps a board of gateways from their retained status and health, acknowledges alarms on the gateway's
/// <c>ack</c> topic and sends commands on its <c>cmd</c> topic.
/// </summary>
/// <remarks>
/// Command results: every command names the gateway's own <c>…/cmd/result</c> as its MQTT 5 response topic (with the
/// command id as correlation data), and every console subscribes to that topic unshared. A per-console response topic
/// would need an ACL letting gateways write outside their own prefix; this way each gateway writes only under
/// <c>campus/v1/{site}/{gateway}/</c>, and every operator sees every command's result.
/// </remarks>
public sealed class CenterConsole : IAsyncDisposable
{
    private readonly CenterOptions _options;
    private readonly TimeProvider _time;
    private readonly CenterMqttClient _mqtt;
    private readonly AlarmLedger _alarms = new();
    private readonly SeenMessageIds _seen;
    private readonly SeqGapDetector _seqs = new();
    private readonly GatewayBoard _board;
    private readonly PendingCommands _commands;
    private readonly SilenceWatch _silence;
    private readonly PublishWindow _autoAcks;
    private long _duplicates;
    private long _handlerErrors;

    public CenterConsole(CenterOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _seen = new SeenMessageIds(TimeSpan.FromHours(options.DedupWindowHours), time, _alarms.IsAwaitingAck, _alarms.Forget);
        _board = new GatewayBoard(_alarms, _seqs, time, TimeSpan.FromSeconds(options.ReportingSeconds));
        _board.HeardAgain += (entry, silentFor) => GatewayHeardAgain?.Invoke(entry, silentFor);
        _silence = new SilenceWatch(_board, time, entry => GatewaySilent?.Invoke(entry), OnHandlerFailed);
        _commands = new PendingCommands(time);
        _mqtt = new CenterMqttClient(options, time, HandleAsync, OnHandlerFailed);
        _autoAcks = new PublishWindow(() => _mqtt.PublishWindowSize, OnHandlerFailed);
        _mqtt.Connected += shared =>
        {
            SharedSubscription = shared;
            Connected?.Invoke();
        };
        _mqtt.ConnectFailed += (why, retryIn) => ConnectFailed?.Invoke(why, retryIn);
        _mqtt.ConnectionLost += why => ConnectionLost?.Invoke(why);
    }

    /// <summary>Connected and subscribed (at the first connect and after every reconnect).</summary>
    public event Action? Connected;

    /// <summary>A connect attempt failed: (why, in words; the wait before the next attempt). The console keeps trying.</summary>
    public event Action<string, TimeSpan>? ConnectFailed;

    /// <summary>The connection to the broker was lost: why. The console reconnects by itself, on its persistent session.</summary>
    public event Action<string>? ConnectionLost;

    /// <summary>A new (not duplicate) alarm, event or telemetry reading arrived: the message and its age on arrival.</summary>
    public event Action<CenterMessage, TimeSpan>? Received;

    /// <summary>An alarm arrived again (the gateway re-publishes until acked): (message, already acknowledged by this center).</summary>
    public event Action<CenterMessage, bool>? Repeated;

    /// <summary>The center acknowledged an alarm: (message, by).</summary>
    public event Action<CenterMessage, string>? Acknowledged;

    /// <summary>A gateway's retained status arrived: (site/gateway, its board line).</summary>
    public event Action<string, GatewayBoardEntry>? StatusChanged;

    /// <summary>A gateway's health arrived: (site/gateway, health).</summary>
    public event Action<string, GatewayHealth>? HealthReceived;

    /// <summary>A command's result arrived.</summary>
    public event Action<CommandResult>? CommandResultReceived;

    /// <summary>Seq jumped past numbers not seen yet: (gateway, first missing, arrived). They may still come (alarms overtake events).</summary>
    public event Action<string, long, long>? GapDetected;

    /// <summary>A gateway was not heard for the reporting time (<see cref="CenterOptions.ReportingSeconds"/>): "school silent".</summary>
    public event Action<GatewayBoardEntry>? GatewaySilent;

    /// <summary>A silent gateway was heard again: (its line, how long it was silent).</summary>
    public event Action<GatewayBoardEntry, TimeSpan>? GatewayHeardAgain;

    /// <summary>Every message received or sent, in order (for <c>--json</c>).</summary>
    public event Action<CenterTraffic>? Traffic;

    /// <summary>Handling a message failed (a subscriber threw, an ack could not be sent): the exception.</summary>
    public event Action<Exception>? HandlerFailed;

    /// <summary>Alarms, events and readings that arrived again after their first copy.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Messages whose handling threw (see <see cref="HandlerFailed"/>).</summary>
    public long HandlerErrors => Interlocked.Read(ref _handlerErrors);

    /// <summary>False when the broker refused the shared subscription and this instance receives everything.</summary>
    public bool SharedSubscription { get; private set; } = true;

    public string Operator => _options.Operator;

    /// <summary>How long a gateway may go unheard before it is silent (<see cref="CenterOptions.ReportingSeconds"/>).</summary>
    public TimeSpan ReportingTime => _board.ReportingTime;

    /// <summary>Sequence numbers of <paramref name="gateway"/> (<c>site/gateway</c>) below the highest seen that never arrived.</summary>
    public IReadOnlyCollection<long> MissingSeqs(string gateway) => _seqs.Missing(gateway);

    /// <summary>The board: one entry per gateway heard of, by <c>site/gateway</c>.</summary>
    public IReadOnlyList<GatewayBoardEntry> Board() => _board.Entries();

    /// <summary>The board line of one gateway, or null if this console has not heard of it.</summary>
    public GatewayBoardEntry? BoardEntry(string gateway) => _board.Entry(gateway);

    public bool IsConnected => _mqtt.IsConnected;

    /// <summary>
    /// Starts the connection, which from then on keeps itself up until disposed (reconnecting with jittered backoff,
    /// resubscribing), and returns when it is first connected. <paramref name="cancellationToken"/> ends only the wait.
    /// </summary>
    public Task ConnectAsync(CancellationToken cancellationToken) => _mqtt.ConnectAsync(cancellationToken);

    /// <summary>
    /// Acknowledges the alarm with id <paramref name="eventIdOrPrefix"/> (or a unique prefix of at least 8 characters)
    /// to its gateway. Returns the alarm, or null when this console has no such alarm.
    /// </summary>
    public async Task<CenterMessage?> AcknowledgeAsync(string eventIdOrPrefix, string? by, CancellationToken cancellationToken)
    {
        var alarm = _alarms.Find(eventIdOrPrefix);
        if (alarm is not null)
        {
            await AcknowledgeAsync(alarm, by ?? _options.Operator, cancellationToken);
        }

        return alarm;
    }

    /// <summary>Publishes the center's acknowledgement of <paramref name="message"/> to its gateway.</summary>
    public Task AcknowledgeAsync(CenterMessage message, CancellationToken cancellationToken) =>
        AcknowledgeAsync(message, _options.Operator, cancellationToken);

    /// <summary>
    /// Sends <paramref name="command"/> (<c>reset</c>, <c>silence</c>, <c>test-mode</c>, <c>status</c>) with its
    /// <paramref name="arguments"/> to <paramref name="gateway"/> (<c>site/gateway</c>); returns the command id.
    /// The result arrives on <see cref="CommandResultReceived"/>.
    /// </summary>
    public async Task<string> SendCommandAsync(string gateway, string command, IReadOnlyDictionary<string, object> arguments, CancellationToken cancellationToken)
    {
        // Without an expiry a gateway whose clock is not synchronised cannot tell the command is fresh, and refuses it.
        ArgumentOutOfRangeException.ThrowIfZero(_options.CommandExpirySeconds, "CommandExpirySeconds");
        var id = Guid.CreateVersion7(_time.GetUtcNow()).ToString();
        var payload = CommandMessage.Serialize(id, command, _time.GetUtcNow(), arguments);
        var topic = CenterTopics.Command(gateway);
        _commands.Sent(id);
        await _mqtt.PublishRequestAsync(topic, payload, CenterTopics.CommandResult(gateway), id, _options.CommandExpirySeconds, cancellationToken);
        Traffic?.Invoke(new CenterTraffic("cmd-sent", topic, payload, false, false, _time.GetUtcNow()));
        return id;
    }

    public ValueTask DisposeAsync()
    {
        _silence.Dispose();
        return _mqtt.DisposeAsync();
    }

    private async Task AcknowledgeAsync(CenterMessage message, string by, CancellationToken cancellationToken)
    {
        var payload = AckMessage.Serialize(message.Id, by, _time.GetUtcNow());
        var topic = CenterTopics.Ack(message.GatewayKey);
        await _mqtt.PublishAsync(topic, payload, cancellationToken);
        _alarms.MarkAcknowledged(message.Id, by);
        Traffic?.Invoke(new CenterTraffic("ack-sent", topic, payload, false, false, _time.GetUtcNow()));
        Acknowledged?.Invoke(message, by);
    }

    private void OnHandlerFailed(Exception exception)
    {
        Interlocked.Increment(ref _handlerErrors);
        HandlerFailed?.Invoke(exception);
    }

    private async Task HandleAsync(InboundMessage message)
    {
        if (!CenterTopics.TrySplit(message.Topic, out var gateway, out var leaf))
        {
            return;
        }

        switch (leaf)
        {
            case "status":
                Traffic?.Invoke(new CenterTraffic("status", message.Topic, message.Payload, message.Retain, false, _time.GetUtcNow()));
                if (_board.ApplyStatus(gateway, message.Payload) is { } entry)
                {
                    StatusChanged?.Invoke(gateway, entry);
                }

                return;
            case "health":
                Traffic?.Invoke(new CenterTraffic("health", message.Topic, message.Payload, message.Retain, false, _time.GetUtcNow()));
                if (GatewayHealth.TryParse(message.Payload) is { } health)
                {
                    _board.ApplyHealth(gateway, health);
                    HealthReceived?.Invoke(gateway, health);
                }

                return;
            case "cmd/result":
                Traffic?.Invoke(new CenterTraffic("cmd-result", message.Topic, message.Payload, message.Retain, false, _time.GetUtcNow()));
                if (CommandResult.TryParse(gateway, message.Payload, _commands.Answered) is { } result)
                {
                    CommandResultReceived?.Invoke(result);
                }

                return;
            case "alarm" or "event" or "telemetry":
                await OnStreamMessageAsync(leaf, message);
                return;
            default:
                return;
        }
    }

    private async Task OnStreamMessageAsync(string leaf, InboundMessage inbound)
    {
        if (CenterMessage.TryParse(inbound.Topic, inbound.Payload) is not { } message)
        {
            return;
        }

        var duplicate = !_seen.TryRemember(message.Id);
        if (duplicate)
        {
            Interlocked.Increment(ref _duplicates);
            var ackedBy = _alarms.AcknowledgedBy(message.Id);
            Traffic?.Invoke(new CenterTraffic(leaf, inbound.Topic, inbound.Payload, inbound.Retain, true, _time.GetUtcNow()));
            if (message.IsAlarm)
            {
                Repeated?.Invoke(message, ackedBy is not null);
                if (ackedBy is not null)
                {
                    // The gateway repeats an alarm only while it has no ack: ours was lost, so it goes again.
                    await _autoAcks.StartAsync(AcknowledgeAsync(message, ackedBy, CancellationToken.None));
                }
            }

            return;
        }

        if (message.IsAlarm)
        {
            _alarms.Add(message);
        }

        _board.ApplyArrival(message);
        if (_seqs.Observe(message.GatewayKey, message.Seq) is { } gap)
        {
            GapDetected?.Invoke(message.GatewayKey, gap.FirstMissing, gap.Arrived);
        }

        Traffic?.Invoke(new CenterTraffic(leaf, inbound.Topic, inbound.Payload, inbound.Retain, false, _time.GetUtcNow()));
        Received?.Invoke(message, _time.GetUtcNow() - message.Timestamp);
        // A restore needs no operator: only the activation waits for a person's ack.
        if (message.IsAlarm && (_options.AutoAck || message.State != "active"))
        {
            await _autoAcks.StartAsync(AcknowledgeAsync(message, _options.Operator, CancellationToken.None));
        }
    }
}
