using EdgeGateway.Inputs;

namespace EdgeGateway.Events;

/// <summary>An input change before the outbox gives it its sequence number. <paramref name="Test"/>: raised during a walk test.</summary>
public sealed record EventDraft(
    string Id,
    string Input,
    InputKind Kind,
    InputState State,
    DateTimeOffset Timestamp,
    bool ClockSynced,
    string Location,
    bool Test = false)
{
    public Lane Lane => LaneRules.LaneOf(Kind);
}
