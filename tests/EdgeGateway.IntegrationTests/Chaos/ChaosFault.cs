namespace EdgeGateway.IntegrationTests.Chaos;

/// <summary>What one chaos episode does to the gateway's world.</summary>
internal enum ChaosFault
{
    /// <summary>SIGKILL of the gateway process (no shutdown code runs), then a fresh start on the same data.</summary>
    GatewayKill,

    /// <summary>The broker stopped for a while, then started again (same port, same persisted sessions).</summary>
    BrokerFlap,

    /// <summary>The path goes silent (<see cref="TestKit.TcpProxy.Freeze"/>): connections stay open, no byte passes.</summary>
    BrokerFreeze,

    /// <summary>The data directory's filesystem full for a while (a tmpfs filled to the last byte; needs root).</summary>
    DiskFull,
}
