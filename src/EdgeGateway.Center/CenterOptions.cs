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

    /// <value>Default <c>edge-center-{random}</c>; give a stable one so a restarted console resumes its session.</value>
    public string ClientId { get; set; } = $"edge-center-{Guid.NewGuid():N}"[..24];

    /// <summary>
    /// Above 0, a persistent session (clean start off) kept this long while the center is away: the broker then keeps
    /// the alarms it has already acknowledged to the gateways but not yet delivered here, across a broker restart too.
    /// </summary>
    /// <value>
    /// Default 3600 (1 h: long enough for a broker restart or a network outage, short enough that the session of a
    /// console with a random client id that is gone for good does not hold its share of the group's alarms for long).
    /// 0: clean session, what was queued for this center is lost when it or the broker goes away.
    /// </value>
    public uint SessionExpirySeconds { get; set; } = 3600;

    /// <summary>TLS 1.2+ to the broker (the county broker's center listener, 8885, requires it).</summary>
    /// <value>Default false (the demo's loopback broker); true when <see cref="CaFile"/> or <see cref="ClientCertFile"/> is set.</value>
    public bool UseTls { get; set; }

    /// <summary>PEM CA of the broker: when set the broker must chain to it (pinned, not the system store).</summary>
    /// <value>Default "" (the system store).</value>
    public string CaFile { get; set; } = "";

    /// <summary>Mutual TLS: PEM certificate and unencrypted PEM key (the county broker wants one from its CA).</summary>
    /// <value>Default "" (none).</value>
    public string ClientCertFile { get; set; } = "";

    /// <inheritdoc cref="ClientCertFile"/>
    public string ClientKeyFile { get; set; } = "";

    /// <summary>File with <c>username=…</c> and <c>password=…</c> lines (never on the command line, never logged).</summary>
    /// <value>Default "" (no login).</value>
    public string CredentialsFile { get; set; } = "";

    /// <summary>MQTT keepalive: the broker drops a silent console after 1.5×, and the console notices a dead broker.</summary>
    /// <value>Default 10 s.</value>
    public ushort KeepAliveSeconds { get; set; } = 10;

    /// <summary>Deadline of one attempt (TCP connect, TLS handshake, CONNACK and SUBACK; then it counts as failed), and of a PUBACK.</summary>
    /// <value>Default 10 s.</value>
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>First reconnect delay; it doubles per failed attempt up to <see cref="ReconnectMaxDelaySeconds"/>, jittered (50-100 %), forever.</summary>
    /// <value>Default 1000 ms.</value>
    public int ReconnectDelayMs { get; set; } = 1000;

    /// <inheritdoc cref="ReconnectDelayMs"/>
    /// <value>Default 30 s.</value>
    public int ReconnectMaxDelaySeconds { get; set; } = 30;

    /// <summary>
    /// How long a message id is remembered for deduplication (and an acknowledged alarm for re-acks and the board):
    /// a console runs for months, so memory must not grow with every message. Alarms still awaiting an ack are kept.
    /// A gateway resends only what its outbox still holds; its MQTT session (default 7 days) bounds how late that is.
    /// </summary>
    /// <value>Default 168 h (7 days).</value>
    public int DedupWindowHours { get; set; } = 168;

    /// <summary>
    /// Supervision (EN 50136's reporting time): a gateway not heard for this long (no status, health or message of its
    /// own; the broker's will does not count) and not shut down cleanly is "silent", an alarm on the board, until heard
    /// again. Gateways send health every <c>Health:IntervalSeconds</c> (60) while connected.
    /// </summary>
    /// <value>Default 180 s (three missed health reports; EN 50136's reporting time of categories SP4 and DP3). 10-2764800 (32 days, SP1).</value>
    public int ReportingSeconds { get; set; } = 180;

    /// <summary>Acknowledge every alarm as soon as it arrives.</summary>
    /// <value>Default false.</value>
    public bool AutoAck { get; set; }

    /// <summary>Who the acks say acknowledged the alarm.</summary>
    /// <value>Default <c>edge-center</c>.</value>
    public string Operator { get; set; } = "edge-center";

    /// <summary>
    /// MQTT 5 message expiry of commands, set on every command: the broker drops a command still queued for an offline
    /// gateway after this, by its own clock, and a gateway whose clock is not synchronised takes it as the proof that
    /// the command is fresh. 1 to the gateways' <c>Commands:MaxAgeSeconds</c> (a longer expiry is no proof to them).
    /// </summary>
    /// <value>Default 120 s.</value>
    public uint CommandExpirySeconds { get; set; } = 120;
}
