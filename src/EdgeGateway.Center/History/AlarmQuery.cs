namespace EdgeGateway.Center.History;

/// <summary>A filter of the alarm history; a null field matches everything.</summary>
/// <param name="Site">The school (<c>site</c>).</param>
/// <param name="Kind"><c>panic</c>, <c>smoke</c>, <c>fault</c>…</param>
/// <param name="State">The event's <c>active</c> or <c>restored</c>, or <c>awaiting</c> / <c>acknowledged</c> (the center's ack).</param>
/// <param name="From">Received at or after.</param>
/// <param name="To">Received before.</param>
public sealed record AlarmQuery(string? Site = null, string? Kind = null, string? State = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public bool Matches(AlarmRecord record) =>
        (Site is null || record.Alarm.Site == Site)
        && (Kind is null || record.Alarm.Kind == Kind)
        && (State switch
        {
            null => true,
            "awaiting" => record.AckedBy is null,
            "acknowledged" => record.AckedBy is not null,
            _ => record.Alarm.State == State,
        })
        && (From is null || record.ReceivedAt >= From)
        && (To is null || record.ReceivedAt < To);
}
