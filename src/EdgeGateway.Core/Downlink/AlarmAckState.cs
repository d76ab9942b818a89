namespace EdgeGateway.Core.Downlink;

/// <summary>Where an alarm is on its way to the center's operator.</summary>
public enum AlarmAckState
{
    /// <summary>Recorded in the outbox; the broker has not confirmed it yet.</summary>
    Accepted,

    /// <summary>The broker's PUBACK came; the center has not acknowledged it yet.</summary>
    Published,

    /// <summary>The center acknowledged it (an operator or the center's system saw it).</summary>
    Acknowledged,
}

/// <summary>How many tracked alarms are in which state, for the status LED.</summary>
public readonly record struct AckSummary(int Waiting, int Acknowledged, int Escalated);

/// <summary>The center's last acknowledgement: which alarm, by whom, when it came, and how long after the first send.</summary>
public sealed record AckReceipt(string Id, string By, DateTimeOffset At, TimeSpan Latency);
