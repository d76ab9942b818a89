namespace EdgeGateway.Center.Board;

/// <summary>One gateway's line on the center's board.</summary>
/// <param name="Gateway"><c>site/gateway</c>.</param>
/// <param name="Online">From the retained status: true online, false offline, null not heard of yet.</param>
/// <param name="OfflineReason"><c>connection-lost</c> (the broker's will) or <c>shutdown</c>; null while online.</param>
/// <param name="Boot">The gateway process's boot id from its status.</param>
/// <param name="StatusChangedAt">When this console received the current status (its own clock).</param>
/// <param name="Health">The last health report, if any.</param>
/// <param name="LastAlarm">The last new alarm received.</param>
/// <param name="AwaitingAck">Alarms this center has not acknowledged yet, oldest first.</param>
/// <param name="Reachability">Online, offline or silent (supervision by the reporting time).</param>
/// <param name="LastHeardAt">When this console last heard the gateway itself (not its will), by its own clock; null if never.</param>
/// <param name="MissingSeqs">Seqs below the highest seen that never arrived (they may still come).</param>
public sealed record GatewayBoardEntry(
    string Gateway,
    bool? Online,
    string? OfflineReason,
    string? Boot,
    DateTimeOffset? StatusChangedAt,
    GatewayHealth? Health,
    CenterMessage? LastAlarm,
    IReadOnlyList<CenterMessage> AwaitingAck,
    GatewayReachability Reachability,
    DateTimeOffset? LastHeardAt,
    IReadOnlyCollection<long> MissingSeqs)
{
    /// <summary>The site (school) part of <see cref="Gateway"/>.</summary>
    public string Site => Gateway.Split('/')[0];
}
