namespace EdgeGateway.Center.Tickets;

/// <summary>Where a fault ticket is: discovered (the gateway's event) → acknowledged → rectified → verified (closed).</summary>
public enum TicketState
{
    Discovered,
    Acknowledged,
    Rectified,
    Verified,
}

/// <summary>One fault a gateway reported, tracked to its verification. Times are the center's, except <see cref="EventTimestamp"/>.</summary>
public sealed record Ticket(
    long Id,
    string Site,
    string Gateway,
    string Source,
    string Fault,
    string Location,
    TicketState State,
    string EventId,
    DateTimeOffset EventTimestamp,
    DateTimeOffset DiscoveredAt,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    DateTimeOffset? RectifiedAt,
    string? RectifiedBy,
    DateTimeOffset? VerifiedAt,
    string? VerifiedBy,
    string Notes)
{
    public string GatewayKey => $"{Site}/{Gateway}";

    public bool IsOpen => State != TicketState.Verified;

    public static string StateName(TicketState state) => state.ToString().ToLowerInvariant();
}
