
namespace EdgeGateway.Core.Events;

/// <summary>An input change (or a gateway-reported fault, threshold or telemetry) before the outbox gives it its sequence number. <paramref name="Test"/>: raised during a walk test.</summary>
public sealed record EventDraft(
    string Id,
    string Input,
    EventKind Kind,
    EventState State,
    DateTimeOffset Timestamp,
    bool ClockSynced,
    string Location,
    bool Test = false)
{
    /// <summary>Priority lane; from the kind, except telemetry, which says so.</summary>
    public Lane Lane { get; init; } = LaneRules.LaneOf(Kind);

    /// <summary>Extra facts of a fault event (for example the start, end and duration of a path outage).</summary>
    public IReadOnlyDictionary<string, string>? Detail { get; init; }

    /// <summary>The sample of a <see cref="EventKind.Telemetry"/> draft, which is serialised as a telemetry message.</summary>
    public TelemetrySample? Telemetry { get; init; }

    /// <summary>A new event id: a version 7 GUID, unique and ordered by <paramref name="timestamp"/>.</summary>
    public static string NewId(DateTimeOffset timestamp) => Guid.CreateVersion7(timestamp).ToString();

    /// <summary>A gateway fault as an event: <paramref name="source"/> is what failed (<c>uplink</c>, <c>outbox</c>, an input id).</summary>
    public static EventDraft Fault(string id, string source, EventState state, DateTimeOffset timestamp, bool clockSynced, IReadOnlyDictionary<string, string> detail) =>
        new(id, source, EventKind.Fault, state, timestamp, clockSynced, "") { Detail = detail };
}
