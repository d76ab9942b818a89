using EdgeGateway.Events;

namespace EdgeGateway.Uplink;

/// <summary>Topics of one gateway under <c>campus/v1/{site}/{gateway}/</c> (docs/mqtt-contract.md).</summary>
public sealed class TopicScheme(GatewayIdentity identity)
{
    public const string Root = "campus/v1";

    public string Base { get; } = $"{Root}/{identity.SiteId}/{identity.GatewayId}";

    /// <summary>Panic, smoke, intrusion and tamper events.</summary>
    public string Alarm => $"{Base}/alarm";

    /// <summary>Other input events (door, generic).</summary>
    public string Event => $"{Base}/event";

    /// <summary>Retained online/offline state; the broker's will sets offline.</summary>
    public string Status => $"{Base}/status";

    /// <summary>The center publishes application acknowledgements of alarms here.</summary>
    public string Ack => $"{Base}/ack";

    public string For(string topicLeaf) => $"{Base}/{topicLeaf}";
}
