using System.Buffers;
using System.Text;
using System.Text.Json;
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

    /// <summary>Acknowledge every alarm as soon as it arrives.</summary>
    /// <value>Default false.</value>
    public bool AutoAck { get; set; }

    /// <summary>Who the acks say acknowledged the alarm.</summary>
    /// <value>Default <c>edge-center</c>.</value>
    public string Operator { get; set; } = "edge-center";
}

/// <summary>
/// The center side: receives alarms and events (deduplicated by id, gaps in seq detected per gateway boot),
/// tracks gateway status, and acknowledges alarms on the gateway's <c>ack</c> topic.
/// </summary>
public sealed class CenterConsole : IAsyncDisposable
{
    private readonly CenterOptions _options;
    private readonly TimeProvider _time;
    private readonly IMqttClient _client;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeqTracker> _seqs = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public CenterConsole(CenterOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <summary>A new (not duplicate) alarm or event arrived: the message and its age on arrival.</summary>
    public event Action<CenterMessage, TimeSpan>? Received;

    /// <summary>The center acknowledged an alarm.</summary>
    public event Action<CenterMessage>? Acknowledged;

    /// <summary>A gateway's retained status changed: (site/gateway, raw JSON).</summary>
    public event Action<string, string>? StatusChanged;

    /// <summary>Seq jumped past numbers not seen yet: (gateway, first missing, arrived). They may still come (alarms overtake events).</summary>
    public event Action<string, long, long>? GapDetected;

    /// <summary>Sequence numbers of <paramref name="gateway"/> (<c>site/gateway</c>) below the highest seen that never arrived.</summary>
    public IReadOnlyCollection<long> MissingSeqs(string gateway)
    {
        lock (_lock)
        {
            return _seqs.TryGetValue(gateway, out var tracker) ? [.. tracker.Missing] : [];
        }
    }

    public long Duplicates { get; private set; }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(_options.ClientId)
            .WithCleanStart(_options.SessionExpirySeconds == 0)
            .WithSessionExpiryInterval(_options.SessionExpirySeconds)
            .Build();
        await _client.ConnectAsync(options, cancellationToken);
        var share = $"$share/{_options.Group}/";
        string[] streams = ["campus/v1/+/+/alarm", "campus/v1/+/+/event"];
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var stream in streams)
        {
            subscribe.WithTopicFilter(share + stream, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        // Retained status is not delivered to shared subscriptions, so every instance reads it directly.
        subscribe.WithTopicFilter("campus/v1/+/+/status", MqttQualityOfServiceLevel.AtLeastOnce);
        var result = await _client.SubscribeAsync(subscribe.Build(), cancellationToken);
        var refused = result.Items.Where(i => (int)i.ResultCode >= 0x80 && i.TopicFilter.Topic.StartsWith(share, StringComparison.Ordinal)).ToList();
        if (refused.Count > 0)
        {
            // A broker without shared subscriptions (MQTTnet's embedded one): this instance takes the whole stream.
            SharedSubscription = false;
            var plain = new MqttClientSubscribeOptionsBuilder();
            foreach (var stream in streams)
            {
                plain.WithTopicFilter(stream, MqttQualityOfServiceLevel.AtLeastOnce);
            }

            await _client.SubscribeAsync(plain.Build(), cancellationToken);
        }
    }

    /// <summary>False when the broker refused the shared subscription and this instance receives everything.</summary>
    public bool SharedSubscription { get; private set; } = true;

    /// <summary>Publishes the center's acknowledgement of <paramref name="message"/> to its gateway.</summary>
    public async Task AcknowledgeAsync(CenterMessage message, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["id"] = message.Id,
            ["by"] = _options.Operator,
            ["ts"] = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        });
        await _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic($"campus/v1/{message.Site}/{message.Gateway}/ack")
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            cancellationToken);
        Acknowledged?.Invoke(message);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        }

        _client.Dispose();
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var topic = args.ApplicationMessage.Topic;
        var payload = args.ApplicationMessage.Payload.ToArray();
        if (topic.EndsWith("/status", StringComparison.Ordinal))
        {
            var segments = topic.Split('/');
            StatusChanged?.Invoke($"{segments[2]}/{segments[3]}", Encoding.UTF8.GetString(payload));
            return;
        }

        if (CenterMessage.TryParse(topic, payload) is not { } message)
        {
            return;
        }

        lock (_lock)
        {
            if (!_seen.Add(message.Id))
            {
                Duplicates++;
                return;
            }

            var gateway = $"{message.Site}/{message.Gateway}";
            if (!_seqs.TryGetValue(gateway, out var tracker))
            {
                _seqs[gateway] = tracker = new SeqTracker { Highest = message.Seq };
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

        Received?.Invoke(message, _time.GetUtcNow() - message.Timestamp);
        if (_options.AutoAck && message.IsAlarm && message.State == "active")
        {
            await AcknowledgeAsync(message, CancellationToken.None);
        }
    }

    private sealed class SeqTracker
    {
        public long Highest { get; set; }

        public SortedSet<long> Missing { get; } = [];
    }
}
