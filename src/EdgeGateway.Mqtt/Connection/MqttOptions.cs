namespace EdgeGateway.Mqtt.Connection;

/// <summary>The <c>Mqtt</c> section: how to reach the county center's broker.</summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary>Broker host name or address. Required.</summary>
    public string Host { get; set; } = "";

    /// <value>Default 8883 (MQTT over TLS).</value>
    public int Port { get; set; } = 8883;

    /// <summary>
    /// Where <c>edge-gateway selftest</c> and the failback probe connect beside the running session. 0: <see cref="Port"/>,
    /// with client ids <c>{gateway}.selftest</c> and <c>{gateway}.probe</c>. The county broker (deploy/mosquitto) names
    /// every client after its certificate, so a second connection on the gateway port would take over the gateway's own
    /// session: there it is the check listener (8884), which assigns the certificate a second name.
    /// </summary>
    /// <value>Default 0 (the broker's port).</value>
    public int ProbePort { get; set; }

    /// <summary>Use TLS to the broker.</summary>
    /// <value>Default true.</value>
    public bool UseTls { get; set; } = true;

    /// <summary>Allow plaintext MQTT to a broker that is not on loopback. A warning is logged at every start.</summary>
    /// <value>Default false.</value>
    public bool AllowInsecure { get; set; }

    /// <summary>
    /// PEM file with the county center's CA certificate. When set, the broker's certificate must chain to exactly this
    /// CA (the system trust store is not used); when empty, the system trust store decides. TLS 1.2 or newer always.
    /// </summary>
    /// <value>Default empty (system trust store).</value>
    public string CaFile { get; set; } = "";

    /// <summary>
    /// PEM client certificate for mutual TLS. On the county broker it is the gateway's identity: CN = <c>{site}/{gateway}</c>
    /// (deploy/mosquitto/README.md). Needs <see cref="ClientKeyFile"/>.
    /// </summary>
    /// <value>Default empty (no client certificate).</value>
    public string ClientCertFile { get; set; } = "";

    /// <summary>
    /// PEM private key (unencrypted PKCS#8 or RSA/EC) of <see cref="ClientCertFile"/>. A systemd credential with the same
    /// file name (<c>LoadCredential=client.key:/etc/edge-gateway/client.key</c>) takes precedence over the path.
    /// </summary>
    /// <value>Default empty.</value>
    public string ClientKeyFile { get; set; } = "";

    /// <summary>
    /// File with the broker user name and password, never the main config: lines <c>username=…</c> and
    /// <c>password=…</c> (blank lines and <c>#</c> comments ignored). A systemd credential with the same file name
    /// (<c>LoadCredential=mqtt-credentials:/etc/edge-gateway/mqtt-credentials</c>) takes precedence over the path.
    /// The password is never logged.
    /// </summary>
    /// <value>Default empty (no user name and password).</value>
    public string CredentialsFile { get; set; } = "";

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

    /// <summary>
    /// Deadline of one connect: TCP connect, TLS handshake and CONNACK. A broker that accepts TCP and never answers
    /// costs this long, then counts as a failed attempt (backoff, failover).
    /// </summary>
    /// <value>Default 10 s.</value>
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// While an alarm accepted during an outage waits, reconnect attempts come at least this often instead of after the
    /// backoff, and never more often: a flapping input cannot storm the broker.
    /// </summary>
    /// <value>Default 5 s.</value>
    public int ExpeditedConnectMinSeconds { get; set; } = 5;

    /// <summary>How many QoS 1 publishes may await their PUBACK at once while draining the outbox.</summary>
    /// <value>Default 32.</value>
    public int InFlightWindow { get; set; } = 32;

    /// <summary>
    /// An optional second broker (EN 50136 dual path), same credentials and TLS settings. Used after the primary has not
    /// completed a connect (CONNACK and SUBACK) for <see cref="FailoverAfterSeconds"/>, whatever the reason; the gateway
    /// returns to the primary once a side probe completes a full MQTT round trip through it.
    /// </summary>
    /// <value>Default none.</value>
    public MqttEndpoint? Secondary { get; set; }

    /// <value>Default 30 s.</value>
    public int FailoverAfterSeconds { get; set; } = 30;

    /// <summary>While on the secondary, how often to probe (connect, subscribe, publish, receive) whether the primary is back.</summary>
    /// <value>Default 30 s.</value>
    public int PrimaryProbeSeconds { get; set; } = 30;

    public bool IsLoopback => IsLoopbackHost(Host);

    /// <summary>
    /// Whether <paramref name="host"/> is this machine: an address that parses as a loopback address (127.0.0.0/8,
    /// <c>::1</c>), or the name <c>localhost</c>. Decided on the parsed address, never on the text: <c>127.evil.example</c>
    /// is a name anyone's DNS can point anywhere.
    /// </summary>
    public static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));

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
