namespace EdgeGateway.Center.Board;

/// <summary>What the center knows of a gateway's path, by supervision (<c>CenterOptions.ReportingSeconds</c>).</summary>
public enum GatewayReachability
{
    /// <summary>Its status says online and it was heard (status, health or any message) within the reporting time.</summary>
    Online,

    /// <summary>
    /// Offline, and known to be: the broker's will (<c>connection-lost</c>) within the reporting time, or a clean
    /// <c>shutdown</c> (never silent: someone stopped it on purpose).
    /// </summary>
    Offline,

    /// <summary>Not heard for longer than the reporting time and not shut down: the "school silent" alarm.</summary>
    Silent,
}
