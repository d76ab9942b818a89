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
    /// MQTT 5 message expiry of commands, set on every command: the broker drops a command still queued for an offline
    /// gateway after this, by its own clock, and a gateway whose clock is not synchronised takes it as the proof that
    /// the command is fresh. 1 to the gateways' <c>Commands:MaxAgeSeconds</c> (a longer expiry is no proof to them).
    /// </summary>
    /// <value>Default 120 s.</value>
    public uint CommandExpirySeconds { get; set; } = 120;
}
