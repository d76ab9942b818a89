namespace EdgeGateway.Mqtt.Uplink;

/// <summary>The part of the in-flight window kept for the alarm lane, so a backlog never holds every slot.</summary>
internal static class AlarmReserve
{
    /// <summary>
    /// Of a window of <paramref name="window"/> publishes, how many the backlog (events, telemetry) may fill: all but
    /// an eighth, at least one slot kept for alarms. A window of 1 is the backlog's and the alarms' alike.
    /// </summary>
    public static int BacklogSlots(int window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        return window == 1 ? 1 : window - Math.Max(1, window / 8);
    }
}
