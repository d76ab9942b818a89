namespace EdgeGateway.Core.Uplink;

/// <summary>Whether the gateway has a path to the center's broker now (the status LED's "no path", the watchdog), and how often it changed.</summary>
public interface IUplinkPath
{
    bool IsUp { get; }

    /// <summary>Reconnections since start (the first connection does not count).</summary>
    long Reconnects { get; }

    /// <summary>Sessions since start that came up on the other broker than the session before (primary to secondary, or back).</summary>
    long Failovers { get; }
}
