using EdgeGateway.Core.Events;
using EdgeGateway.Core.Uplink;
using MQTTnet;

namespace EdgeGateway.Mqtt.Uplink;

/// <summary>
/// The retained <c>status</c> messages the connection sends: online at every connect (and on the <c>status</c> command),
/// offline/shutdown on a clean stop. The offline/connection-lost will is part of <see cref="Connection.GatewayClientOptions"/>.
/// </summary>
public sealed class StatusMessages(GatewayIdentity identity, TopicScheme topics, IStatusPayloadSource source, TimeProvider time)
{
    public MqttApplicationMessage Online() =>
        RetainedMessage.Json(topics.Status, StatusPayload.Online(identity, source.Inputs, time.GetUtcNow(), source.Dropped));

    public MqttApplicationMessage Shutdown() => RetainedMessage.Json(topics.Status, StatusPayload.Offline(identity, "shutdown"));
}
