namespace EdgeGateway.Core.Uplink;

/// <summary>Whether the gateway has a path to the center's broker now (the status LED's "no path", the watchdog).</summary>
public interface IUplinkPath
{
    bool IsUp { get; }
}
