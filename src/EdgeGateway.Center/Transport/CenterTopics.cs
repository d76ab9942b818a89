namespace EdgeGateway.Center.Transport;

/// <summary>The topics of the MQTT contract (docs/mqtt-contract.md) that the center subscribes to and publishes on.</summary>
internal static class CenterTopics
{
    private const string Root = "campus/v1";

    /// <summary>Alarms, events and telemetry: shared among the consoles of one group.</summary>
    public static IReadOnlyList<string> SharedStreams { get; } = [$"{Root}/+/+/alarm", $"{Root}/+/+/event", $"{Root}/+/+/telemetry"];

    /// <summary>
    /// Status, health and command results: every console subscribes unshared. Retained messages are not delivered to
    /// shared subscriptions, and every operator needs every gateway's state.
    /// </summary>
    public static IReadOnlyList<string> OwnStreams { get; } = [$"{Root}/+/+/status", $"{Root}/+/+/health", $"{Root}/+/+/cmd/result"];

    /// <param name="gateway"><c>site/gateway</c>.</param>
    public static string Ack(string gateway) => $"{Root}/{gateway}/ack";

    /// <param name="gateway"><c>site/gateway</c>.</param>
    public static string Command(string gateway) => $"{Root}/{gateway}/cmd";

    /// <param name="gateway"><c>site/gateway</c>.</param>
    public static string CommandResult(string gateway) => $"{Root}/{gateway}/cmd/result";

    /// <summary>
    /// Splits <c>campus/v1/{site}/{gateway}/{leaf}</c> into <c>site/gateway</c> and the leaf (<c>alarm</c>,
    /// <c>cmd/result</c>…); false for a topic with fewer levels.
    /// </summary>
    public static bool TrySplit(string topic, out string gateway, out string leaf)
    {
        var segments = topic.Split('/');
        if (segments.Length < 5)
        {
            gateway = leaf = "";
            return false;
        }

        gateway = $"{segments[2]}/{segments[3]}";
        leaf = string.Join('/', segments[4..]);
        return true;
    }
}
