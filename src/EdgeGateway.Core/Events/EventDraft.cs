using EdgeGateway.Inputs;
using EdgeGateway.Sensors;

namespace EdgeGateway.Events;

/// <summary>An input change (or a gateway-reported fault, threshold or telemetry) before the outbox gives it its sequence number.</summary>
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

    /// <summary>Words for the operator about why (a fault's cause, a threshold's value); null leaves <c>detail</c> out.</summary>
    public string? Detail { get; init; }

    /// <summary>The sample of a <see cref="InputKind.Telemetry"/> draft, which is serialised as a telemetry message.</summary>
    public TelemetrySample? Telemetry { get; init; }
}
