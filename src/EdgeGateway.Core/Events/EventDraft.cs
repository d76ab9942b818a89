using EdgeGateway.Inputs;

namespace EdgeGateway.Events;

/// <summary>An input change before the outbox gives it its sequence number.</summary>
public sealed record EventDraft(
    string Id,
    string Input,
    InputKind Kind,
    InputState State,
    DateTimeOffset Timestamp,
    bool ClockSynced,
    string Location)
{
    public Lane Lane => LaneRules.LaneOf(Kind);
}
