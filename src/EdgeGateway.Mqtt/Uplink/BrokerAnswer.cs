using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using MQTTnet;

namespace EdgeGateway.Mqtt.Uplink;

/// <summary>What a broker's PUBACK reason code means for the message it answers.</summary>
internal static class BrokerAnswer
{
    /// <summary>The broker took the message: success, or nobody subscribed (a retained message is kept either way).</summary>
    public static bool Accepted(MqttClientPublishReasonCode code) =>
        code is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;

    /// <summary>
    /// Whether an outbox entry may leave the outbox. An alarm nobody is subscribed to stays: "no matching subscribers"
    /// is the broker saying it threw the alarm away (Mosquitto, restarted, holds no shared subscription until the
    /// center subscribes again). Events and telemetry go: with no center at all they would circle forever.
    /// </summary>
    public static bool Delivered(OutboxEntry entry, MqttClientPublishReasonCode code) =>
        code == MqttClientPublishReasonCode.Success
        || (code == MqttClientPublishReasonCode.NoMatchingSubscribers && entry.Lane != Lane.Alarm);
}
