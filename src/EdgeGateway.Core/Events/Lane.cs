using EdgeGateway.Inputs;

namespace EdgeGateway.Events;

/// <summary>Priority lane in the outbox: alarms go before events, events before telemetry.</summary>
public enum Lane
{
    Alarm = 0,
    Event = 1,
    Telemetry = 2,
}

public static class LaneRules
{
    public static Lane LaneOf(InputKind kind) => kind switch
    {
        // Issue 3: alarms are panic, smoke, intrusion, tamper and faults; a cold-chain breach is an alarm too.
        InputKind.Panic or InputKind.Smoke or InputKind.Intrusion or InputKind.Tamper
            or InputKind.Fault or InputKind.Temperature => Lane.Alarm,
        InputKind.Telemetry => Lane.Telemetry,
        _ => Lane.Event,
    };
}
