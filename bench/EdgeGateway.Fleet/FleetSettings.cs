namespace EdgeGateway.Fleet;

/// <summary>Which outbox each simulated gateway uses.</summary>
internal enum FleetStore
{
    /// <summary>The real <c>LiteDbOutboxStore</c>, one file (and fsync per event) per gateway in a temp folder.</summary>
    LiteDb,

    /// <summary>The TestKit's in-memory store: takes the disk out of the figures.</summary>
    Memory,
}

/// <summary>What the fleet run does; every figure in the report names these.</summary>
internal sealed record FleetSettings
{
    public int Gateways { get; init; } = 500;

    /// <summary><c>steady</c>, <c>storm</c>, <c>restart</c> or <c>all</c>.</summary>
    public string Scenario { get; init; } = "all";

    /// <summary>How long the steady-telemetry scenario records.</summary>
    public int SteadySeconds { get; init; } = 60;

    /// <summary>Each gateway records one telemetry sample this often (random phase).</summary>
    public double TelemetryIntervalSeconds { get; init; } = 10;

    /// <summary>Every gateway presses once, at a random moment within this window.</summary>
    public int StormWindowMs { get; init; } = 1000;

    /// <summary>The restart scenario stops the broker this far into the storm...</summary>
    public int RestartAtMs { get; init; } = 500;

    /// <summary>...and starts it again (same port, same persistence) after this long.</summary>
    public int BrokerDownMs { get; init; } = 3000;

    /// <summary>Restart scenario: the centers reconnect this long after the broker is back (0: at once).</summary>
    public int CentersBackAfterMs { get; init; }

    public FleetStore Store { get; init; } = FleetStore.LiteDb;

    /// <summary>The centers' session expiry; 0 is a clean session (what the broker queued for them dies with it).</summary>
    public uint CenterSessionExpirySeconds { get; init; } = 600;

    /// <summary>The centers acknowledge every alarm on arrival (edge-center --auto-ack).</summary>
    public bool CenterAck { get; init; } = true;

    /// <summary>The gateways' Mqtt:ReconnectDelayMs (production default 1000).</summary>
    public int ReconnectDelayMs { get; init; } = 200;

    /// <summary>The gateways' Mqtt:ReconnectMaxDelaySeconds (production default 30).</summary>
    public int ReconnectMaxDelaySeconds { get; init; } = 5;

    /// <summary>The gateways' Mqtt:KeepAliveSeconds (production default 10).</summary>
    public int KeepAliveSeconds { get; init; } = 10;

    /// <summary>How many gateways start (open outbox, connect) at once.</summary>
    public int StartParallelism { get; init; } = 16;

    /// <summary>How long a scenario may wait for its last message before it reports what is missing.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>The whole run stops (cleanly, reporting what it has) after this long.</summary>
    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromMinutes(14);

    /// <summary>Where the figures block is written (between the fleet markers), or null.</summary>
    public string? DocsFile { get; init; }

    public bool Smoke { get; init; }

    public int Seed { get; init; } = 7;
}
