namespace EdgeGateway.Connection;

/// <summary>The <c>Mqtt</c> section: how to reach the county center's broker.</summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary>Broker host name or address. Required.</summary>
    public string Host { get; set; } = "";

    /// <value>Default 8883 (MQTT over TLS).</value>
    public int Port { get; set; } = 8883;

    /// <summary>Use TLS to the broker.</summary>
    /// <value>Default true.</value>
    public bool UseTls { get; set; } = true;

    /// <summary>Allow plaintext MQTT to a broker that is not on loopback. A warning is logged at every start.</summary>
    /// <value>Default false.</value>
    public bool AllowInsecure { get; set; }

    /// <summary>MQTT keepalive; the broker drops a silent gateway after 1.5 times this, and publishes its will.</summary>
    /// <value>Default 10 s.</value>
    public int KeepAliveSeconds { get; set; } = 10;

    /// <summary>How long the broker keeps this gateway's session (subscriptions, queued acks) while it is away.</summary>
    /// <value>Default 604800 s (7 days).</value>
    public uint SessionExpirySeconds { get; set; } = 604_800;

    /// <summary>First reconnect delay; it doubles (with jitter) up to <see cref="ReconnectMaxDelaySeconds"/>.</summary>
    /// <value>Default 1000 ms.</value>
    public int ReconnectDelayMs { get; set; } = 1000;

    /// <value>Default 30 s.</value>
    public int ReconnectMaxDelaySeconds { get; set; } = 30;

    /// <summary>How many QoS 1 publishes may await their PUBACK at once while draining the outbox.</summary>
    /// <value>Default 32.</value>
    public int InFlightWindow { get; set; } = 32;

    /// <summary>
    /// An optional second broker (EN 50136 dual path), same credentials and TLS settings. Used after the primary has
    /// been unreachable for <see cref="FailoverAfterSeconds"/>; the gateway returns to the primary once it answers.
    /// </summary>
    /// <value>Default none.</value>
    public MqttEndpoint? Secondary { get; set; }

    /// <value>Default 30 s.</value>
    public int FailoverAfterSeconds { get; set; } = 30;

    /// <summary>While on the secondary, how often to check whether the primary is back.</summary>
    /// <value>Default 30 s.</value>
    public int PrimaryProbeSeconds { get; set; } = 30;

    public bool IsLoopback => IsLoopbackHost(Host);

    public static bool IsLoopbackHost(string host) => host is "localhost" or "::1" || host.StartsWith("127.", StringComparison.Ordinal);

    /// <summary>These options pointed at the secondary broker.</summary>
    public MqttOptions ForSecondary()
    {
        var copy = (MqttOptions)MemberwiseClone();
        copy.Host = Secondary?.Host ?? Host;
        copy.Port = Secondary?.Port ?? Port;
        copy.Secondary = null;
        return copy;
    }
}

/// <summary>A broker address.</summary>
public sealed class MqttEndpoint
{
    public string Host { get; set; } = "";

    /// <value>Default 8883.</value>
    public int Port { get; set; } = 8883;
}
