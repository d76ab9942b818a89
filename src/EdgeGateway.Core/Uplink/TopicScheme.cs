using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Uplink;

/// <summary>Topics of one gateway under <c>campus/v1/{site}/{gateway}/</c> (docs/mqtt-contract.md).</summary>
public sealed class TopicScheme(GatewayIdentity identity)
{
    public const string Root = "campus/v1";

    public const string AlarmLeaf = LaneRules.AlarmLeaf;

    public const string EventLeaf = LaneRules.EventLeaf;

    public const string TelemetryLeaf = LaneRules.TelemetryLeaf;

    public string Base { get; } = $"{Root}/{identity.SiteId}/{identity.GatewayId}";

    /// <summary>Panic, smoke, intrusion and tamper events.</summary>
    public string Alarm => $"{Base}/{AlarmLeaf}";

    /// <summary>Other input events (door, generic).</summary>
    public string Event => $"{Base}/{EventLeaf}";

    /// <summary>Sensor readings (temperature, humidity, pressure); lowest priority.</summary>
    public string Telemetry => $"{Base}/{TelemetryLeaf}";

    /// <summary>Retained online/offline state; the broker's will sets offline.</summary>
    public string Status => $"{Base}/status";

    /// <summary>The center publishes application acknowledgements of alarms here.</summary>
    public string Ack => $"{Base}/ack";

    /// <summary>Periodic health (retained).</summary>
    public string Health => $"{Base}/health";

    /// <summary>The center's commands to this gateway.</summary>
    public string Command => $"{Base}/cmd";

    /// <summary>Results of commands, unless the command named an MQTT 5 response topic.</summary>
    public string CommandResult => $"{Base}/cmd/result";

    /// <summary>The retained selftest table sent once at commissioning (first boot).</summary>
    public string Commissioning => $"{Base}/commissioning";

    public string For(string topicLeaf) => $"{Base}/{topicLeaf}";

    /// <summary>
    /// Whether a command's MQTT 5 response topic is one this gateway may answer on: its own <see cref="CommandResult"/>
    /// or a topic below it, without wildcards. Anything else would make the gateway write where the center did not ask.
    /// </summary>
    public bool IsOwnCommandResult(string responseTopic) =>
        responseTopic.Length <= MaxResponseTopicLength
        && (responseTopic == CommandResult || (responseTopic.StartsWith(CommandResult + "/", StringComparison.Ordinal) && responseTopic.Length > CommandResult.Length + 1))
        && responseTopic.AsSpan().IndexOfAny('+', '#', '\0') < 0;

    /// <summary>The longest response topic answered on (a topic is a few segments; this bounds what a log names).</summary>
    public const int MaxResponseTopicLength = 256;
}
