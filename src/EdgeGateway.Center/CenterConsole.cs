using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeGateway.Center;

/// <summary>Options of <see cref="CenterConsole"/>.</summary>
public sealed class CenterOptions
{
    /// <value>Default 127.0.0.1.</value>
    public string Host { get; set; } = "127.0.0.1";

    /// <value>Default 1883.</value>
    public int Port { get; set; } = 1883;

    /// <summary>MQTT 5 shared-subscription group: instances in one group share the alarm stream.</summary>
    /// <value>Default <c>center</c>.</value>
    public string Group { get; set; } = "center";

    /// <value>Default <c>edge-center-{random}</c>.</value>
    public string ClientId { get; set; } = $"edge-center-{Guid.NewGuid():N}"[..24];

    /// <summary>
    /// Above 0, a persistent session (clean start off) kept this long while the center is away: the broker then keeps
    /// the alarms it has already acknowledged to the gateways but not yet delivered here, across a broker restart too.
    /// </summary>
    /// <value>Default 0 (clean session: what was queued for this center is lost when it or the broker goes away).</value>
    public uint SessionExpirySeconds { get; set; }

    /// <summary>
    /// How long a message id is remembered for deduplication (and an acknowledged alarm for re-acks and the board):
    /// a console runs for months, so memory must not grow with every message. Alarms still awaiting an ack are kept.
    /// A gateway resends only what its outbox still holds; its MQTT session (default 7 days) bounds how late that is.
    /// </summary>
    /// <value>Default 168 h (7 days).</value>
    public int DedupWindowHours { get; set; } = 168;

    /// <summary>Acknowledge every alarm as soon as it arrives.</summary>
    /// <value>Default false.</value>
    public bool AutoAck { get; set; }

    /// <summary>Who the acks say acknowledged the alarm.</summary>
    /// <value>Default <c>edge-center</c>.</value>
    public string Operator { get; set; } = "edge-center";

    /// <summary>
    /// MQTT 5 message expiry of commands: the broker drops a command still queued for an offline gateway after this,
    /// by its own clock (a gateway without NTP cannot judge a command's age). Match the gateways' <c>Commands:MaxAgeSeconds</c>.
    /// </summary>
    /// <value>Default 120 s.</value>
    public uint CommandExpirySeconds { get; set; } = 120;
}

/// <summary>A message this console received or sent, for the JSON-lines log.</summary>
/// <param name="Type"><c>alarm</c>, <c>event</c>, <c>telemetry</c>, <c>status</c>, <c>health</c>, <c>cmd-result</c>, <c>ack-sent</c> or <c>cmd-sent</c>.</param>
/// <param name="Topic">The MQTT topic.</param>
/// <param name="Payload">The payload as received or sent.</param>
/// <param name="Retained">The broker delivered a retained message.</param>
/// <param name="At">When this console received or sent it.</param>
/// <param name="Duplicate">A received alarm/event/telemetry whose id was seen before.</param>
public sealed record CenterTraffic(string Type, string Topic, byte[] Payload, bool Retained, bool Duplicate, DateTimeOffset At);

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
    private const string Root = "campus/v1";
    private static readonly string[] s_sharedStreams = [$"{Root}/+/+/alarm", $"{Root}/+/+/event", $"{Root}/+/+/telemetry"];

    // Retained messages are not delivered to shared subscriptions, and every operator needs every gateway's state.
    private static readonly string[] s_ownStreams = [$"{Root}/+/+/status", $"{Root}/+/+/health", $"{Root}/+/+/cmd/result"];

    private readonly CenterOptions _options;
    private readonly TimeProvider _time;
    private readonly IMqttClient _client;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(long SeenAt, string Id)> _seenOrder = new();
    private readonly Dictionary<string, AlarmRecord> _alarms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeqTracker> _seqs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GatewayState> _gateways = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _commandsSent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    // Received messages wait here for the handling loop, so that MQTTnet acknowledges them at once (see OnMessageAsync).
    private readonly Channel<Inbound> _inbox = Channel.CreateUnbounded<Inbound>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _handling;
    private long _duplicates;
    private long _handlerErrors;

    public CenterConsole(CenterOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

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

    /// <summary>Sequence numbers of <paramref name="gateway"/> (<c>site/gateway</c>) below the highest seen that never arrived.</summary>
    public IReadOnlyCollection<long> MissingSeqs(string gateway)
    {
        lock (_lock)
        {
            return _seqs.TryGetValue(gateway, out var tracker) ? [.. tracker.Missing] : [];
        }
    }

    /// <summary>The board: one entry per gateway heard of, by <c>site/gateway</c>.</summary>
    public IReadOnlyList<GatewayBoardEntry> Board()
    {
        lock (_lock)
        {
            return [.. _gateways.Keys.Order(StringComparer.Ordinal).Select(EntryOf)];
        }
    }

    /// <summary>The board line of one gateway, or null if this console has not heard of it.</summary>
    public GatewayBoardEntry? BoardEntry(string gateway)
    {
        lock (_lock)
        {
            return _gateways.ContainsKey(gateway) ? EntryOf(gateway) : null;
        }
    }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(_options.ClientId)
            .WithCleanStart(_options.SessionExpirySeconds == 0)
            .WithSessionExpiryInterval(_options.SessionExpirySeconds)
            .Build();
        _handling ??= Task.Run(HandleLoopAsync, CancellationToken.None);
        await _client.ConnectAsync(options, cancellationToken);
        var share = $"$share/{_options.Group}/";
        var result = await _client.SubscribeAsync(Subscription(s_sharedStreams.Select(s => share + s).Concat(s_ownStreams)), cancellationToken);
        if (result.Items.Any(i => (int)i.ResultCode >= 0x80 && i.TopicFilter.Topic.StartsWith(share, StringComparison.Ordinal)))
        {
            // A broker without shared subscriptions (MQTTnet's embedded one): this instance takes the whole stream.
            SharedSubscription = false;
            await _client.SubscribeAsync(Subscription(s_sharedStreams), cancellationToken);
        }
    }

    /// <summary>
    /// Acknowledges the alarm with id <paramref name="eventIdOrPrefix"/> (or a unique prefix of at least 8 characters)
    /// to its gateway. Returns the alarm, or null when this console has no such alarm.
    /// </summary>
    public async Task<CenterMessage?> AcknowledgeAsync(string eventIdOrPrefix, string? by, CancellationToken cancellationToken)
    {
        CenterMessage? alarm;
        lock (_lock)
        {
            alarm = FindAlarm(eventIdOrPrefix);
        }

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
        var id = Guid.CreateVersion7(_time.GetUtcNow()).ToString();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("command", command);
            json.WriteString("ts", Timestamp());
            foreach (var (name, value) in arguments)
            {
                json.WritePropertyName(name);
                JsonSerializer.Serialize(json, value);
            }

            json.WriteEndObject();
        }

        var payload = buffer.ToArray();
        var topic = $"{Root}/{gateway}/cmd";
        lock (_lock)
        {
            _commandsSent[id] = _time.GetTimestamp();
        }

        await _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithResponseTopic($"{Root}/{gateway}/cmd/result")
                .WithCorrelationData(Encoding.UTF8.GetBytes(id))
                .WithMessageExpiryInterval(_options.CommandExpirySeconds)
                .Build(),
            cancellationToken);
        Traffic?.Invoke(new CenterTraffic("cmd-sent", topic, payload, false, false, _time.GetUtcNow()));
        return id;
    }

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

    private string Timestamp() =>
        _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private async Task AcknowledgeAsync(CenterMessage message, string by, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["id"] = message.Id,
            ["by"] = by,
            ["ts"] = Timestamp(),
        });
        var topic = $"{Root}/{message.GatewayKey}/ack";
        await _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            cancellationToken);
        lock (_lock)
        {
            if (_alarms.TryGetValue(message.Id, out var record))
            {
                record.AckedBy = by;
            }
        }

        Traffic?.Invoke(new CenterTraffic("ack-sent", topic, payload, false, false, _time.GetUtcNow()));
        Acknowledged?.Invoke(message, by);
    }

    private CenterMessage? FindAlarm(string idOrPrefix)
    {
        if (_alarms.TryGetValue(idOrPrefix, out var exact))
        {
            return exact.Message;
        }

        if (idOrPrefix.Length < 8)
        {
            return null;
        }

        var matches = _alarms.Values.Where(a => a.Message.Id.StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        return matches.Count == 1 ? matches[0].Message : null;
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
        _inbox.Writer.TryWrite(new Inbound(message.Topic, message.Payload.ToArray(), message.Retain));
        return Task.CompletedTask;
    }

    private async Task HandleLoopAsync()
    {
        await foreach (var message in _inbox.Reader.ReadAllAsync())
        {
            try
            {
                await HandleAsync(message);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One message that cannot be handled (a subscriber threw, an ack could not be sent) must not stop the rest.
                Interlocked.Increment(ref _handlerErrors);
                HandlerFailed?.Invoke(ex);
            }
        }
    }

    private async Task HandleAsync(Inbound message)
    {
        var topic = message.Topic;
        var payload = message.Payload;
        var segments = topic.Split('/');
        if (segments.Length < 5)
        {
            return;
        }

        var gateway = $"{segments[2]}/{segments[3]}";
        var leaf = string.Join('/', segments[4..]);
        switch (leaf)
        {
            case "status":
                Traffic?.Invoke(new CenterTraffic("status", topic, payload, message.Retain, false, _time.GetUtcNow()));
                OnStatus(gateway, payload);
                return;
            case "health":
                Traffic?.Invoke(new CenterTraffic("health", topic, payload, message.Retain, false, _time.GetUtcNow()));
                OnHealth(gateway, payload);
                return;
            case "cmd/result":
                Traffic?.Invoke(new CenterTraffic("cmd-result", topic, payload, message.Retain, false, _time.GetUtcNow()));
                OnCommandResult(gateway, payload);
                return;
            default:
                await OnStreamMessageAsync(leaf, topic, payload, message.Retain);
                return;
        }
    }

    private void OnStatus(string gateway, byte[] payload)
    {
        if (payload.Length == 0)
        {
            // A cleared retained status: the gateway was decommissioned.
            return;
        }

        GatewayBoardEntry entry;
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var status = doc.RootElement;
            lock (_lock)
            {
                var state = StateOf(gateway);
                state.Online = status.GetProperty("state").GetString() == "online";
                state.OfflineReason = state.Online == true ? null : status.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
                state.Boot = status.TryGetProperty("boot", out var boot) ? boot.GetString() : state.Boot;
                state.StatusChangedAt = _time.GetUtcNow();
                entry = EntryOf(gateway);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return;
        }

        StatusChanged?.Invoke(gateway, entry);
    }

    private void OnHealth(string gateway, byte[] payload)
    {
        if (GatewayHealth.TryParse(payload) is not { } health)
        {
            return;
        }

        lock (_lock)
        {
            StateOf(gateway).Health = health;
        }

        HealthReceived?.Invoke(gateway, health);
    }

    private void OnCommandResult(string gateway, byte[] payload)
    {
        var result = CommandResult.TryParse(gateway, payload, id =>
        {
            lock (_lock)
            {
                return id is not null && _commandsSent.Remove(id, out var sentAt) ? _time.GetElapsedTime(sentAt) : null;
            }
        });
        if (result is not null)
        {
            CommandResultReceived?.Invoke(result);
        }
    }

    private async Task OnStreamMessageAsync(string leaf, string topic, byte[] payload, bool retained)
    {
        if (leaf is not ("alarm" or "event" or "telemetry") || CenterMessage.TryParse(topic, payload) is not { } message)
        {
            return;
        }

        bool duplicate;
        string? ackedBy = null;
        lock (_lock)
        {
            ForgetOldIds();
            duplicate = !_seen.Add(message.Id);
            if (!duplicate)
            {
                _seenOrder.Enqueue((_time.GetTimestamp(), message.Id));
            }

            if (duplicate)
            {
                Interlocked.Increment(ref _duplicates);
                ackedBy = _alarms.TryGetValue(message.Id, out var record) ? record.AckedBy : null;
            }
            else
            {
                Track(message);
            }
        }

        Traffic?.Invoke(new CenterTraffic(leaf, topic, payload, retained, duplicate, _time.GetUtcNow()));
        if (duplicate)
        {
            if (message.IsAlarm)
            {
                Repeated?.Invoke(message, ackedBy is not null);
                if (ackedBy is not null)
                {
                    // The gateway repeats an alarm only while it has no ack: ours was lost, so it goes again.
                    await AcknowledgeAsync(message, ackedBy, CancellationToken.None);
                }
            }

            return;
        }

        Received?.Invoke(message, _time.GetUtcNow() - message.Timestamp);
        // A restore needs no operator: only the activation waits for a person's ack.
        if (message.IsAlarm && (_options.AutoAck || message.State != "active"))
        {
            await AcknowledgeAsync(message, _options.Operator, CancellationToken.None);
        }
    }

    /// <summary>Drops ids older than <see cref="CenterOptions.DedupWindowHours"/>, except alarms awaiting an ack. Under the lock.</summary>
    private void ForgetOldIds()
    {
        var window = TimeSpan.FromHours(_options.DedupWindowHours);
        while (_seenOrder.TryPeek(out var oldest) && _time.GetElapsedTime(oldest.SeenAt) > window)
        {
            _seenOrder.Dequeue();
            if (_alarms.TryGetValue(oldest.Id, out var alarm) && alarm.AckedBy is null)
            {
                // Still awaiting the operator: keep it, and look at it again after another window.
                _seenOrder.Enqueue((_time.GetTimestamp(), oldest.Id));
                continue;
            }

            _seen.Remove(oldest.Id);
            _alarms.Remove(oldest.Id);
        }
    }

    private void Track(CenterMessage message)
    {
        var gateway = message.GatewayKey;
        var state = StateOf(gateway);
        if (message.IsAlarm)
        {
            _alarms[message.Id] = new AlarmRecord(message);
            state.LastAlarm = message;
        }

        if (!_seqs.TryGetValue(gateway, out var tracker))
        {
            _seqs[gateway] = new SeqTracker { Highest = message.Seq };
        }
        else if (message.Seq > tracker.Highest)
        {
            if (message.Seq > tracker.Highest + 1)
            {
                GapDetected?.Invoke(gateway, tracker.Highest + 1, message.Seq);
                for (var missing = tracker.Highest + 1; missing < message.Seq; missing++)
                {
                    tracker.Missing.Add(missing);
                }
            }

            tracker.Highest = message.Seq;
        }
        else
        {
            tracker.Missing.Remove(message.Seq);
        }
    }

    private GatewayState StateOf(string gateway)
    {
        if (!_gateways.TryGetValue(gateway, out var state))
        {
            _gateways[gateway] = state = new GatewayState();
        }

        return state;
    }

    private GatewayBoardEntry EntryOf(string gateway)
    {
        var state = _gateways[gateway];
        var awaiting = _alarms.Values
            .Where(a => a.AckedBy is null && a.Message.GatewayKey == gateway)
            .Select(a => a.Message)
            .OrderBy(m => m.Seq)
            .ToList();
        return new GatewayBoardEntry(gateway, state.Online, state.OfflineReason, state.Boot, state.StatusChangedAt, state.Health, state.LastAlarm, awaiting);
    }

    private sealed record Inbound(string Topic, byte[] Payload, bool Retain);

    private sealed class SeqTracker
    {
        public long Highest { get; set; }

        public SortedSet<long> Missing { get; } = [];
    }

    private sealed class GatewayState
    {
        public bool? Online { get; set; }

        public string? OfflineReason { get; set; }

        public string? Boot { get; set; }

        public DateTimeOffset? StatusChangedAt { get; set; }

        public GatewayHealth? Health { get; set; }

        public CenterMessage? LastAlarm { get; set; }
    }

    private sealed class AlarmRecord(CenterMessage message)
    {
        public CenterMessage Message { get; } = message;

        /// <summary>Who acknowledged it; null while it awaits an ack.</summary>
        public string? AckedBy { get; set; }
    }
}
