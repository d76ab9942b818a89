
namespace EdgeGateway.Core.Events;

/// <summary>Priority lane in the outbox: alarms go before events, events before telemetry.</summary>
public enum Lane
{
    Alarm = 0,
    Event = 1,
    Telemetry = 2,
}

public static class LaneRules
{
    public const string AlarmLeaf = "alarm";

    public const string EventLeaf = "event";

    public const string TelemetryLeaf = "telemetry";

    /// <summary>The topic leaf of an outbox lane.</summary>
    public static string TopicLeafOf(Lane lane) => lane switch
    {
        Lane.Alarm => AlarmLeaf,
        Lane.Telemetry => TelemetryLeaf,
        _ => EventLeaf,
    };

    public static Lane LaneOf(EventKind kind) => kind switch
    {
        // Alarms are panic, smoke, intrusion, tamper and faults; a cold-chain breach is an alarm too. Checkpoints, duty
        // check-ins and completed rounds are events: only their absence (a patrol-missed or duty-missed fault) alarms.
        EventKind.Panic or EventKind.Smoke or EventKind.Intrusion or EventKind.Tamper
            or EventKind.Fault or EventKind.Temperature => Lane.Alarm,
        EventKind.Telemetry => Lane.Telemetry,
        _ => Lane.Event,
    };
}
