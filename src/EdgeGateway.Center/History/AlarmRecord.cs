namespace EdgeGateway.Center.History;

/// <summary>One alarm as the board's history shows it.</summary>
/// <param name="Alarm">The alarm as received.</param>
/// <param name="ReceivedAt">When this console received it (its own clock).</param>
/// <param name="Latency">From the gateway's timestamp to arrival here.</param>
/// <param name="AckedBy">Who acknowledged it; null while it awaits an ack.</param>
/// <param name="AckedAt">When the ack was sent (this console's clock).</param>
public sealed record AlarmRecord(CenterMessage Alarm, DateTimeOffset ReceivedAt, TimeSpan Latency, string? AckedBy, DateTimeOffset? AckedAt);
