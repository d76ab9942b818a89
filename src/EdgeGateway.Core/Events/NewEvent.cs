
namespace EdgeGateway.Core.Events;

/// <summary>
/// What happened, before the outbox's event recorder stamps it with an id, the time and the clock state:
/// an input transition, a supervision fault, a sensor threshold or a telemetry sample.
/// </summary>
/// <param name="Source">Input, sensor or board id; the event's <c>input</c> field.</param>
/// <param name="Kind">The event's <c>kind</c>; decides lane and topic.</param>
/// <param name="State"><c>active</c> or <c>restored</c>.</param>
/// <param name="Location">Where, in the operator's words.</param>
/// <param name="Detail">Facts for the operator (the event's <c>detail</c> object), or null.</param>
/// <param name="Telemetry">The sample of a <see cref="EventKind.Telemetry"/> event.</param>
public readonly record struct NewEvent(
    string Source,
    EventKind Kind,
    EventState State,
    string Location,
    IReadOnlyDictionary<string, string>? Detail = null,
    TelemetrySample? Telemetry = null);
