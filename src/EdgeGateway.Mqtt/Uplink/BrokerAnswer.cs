using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using MQTTnet;

namespace EdgeGateway.Mqtt.Uplink;

/// <summary>What a broker's PUBACK reason code means for the message it answers.</summary>
internal static class BrokerAnswer
{
    /// <summary>
    /// 0x95: not a PUBACK code in MQTT 5 (MQTTnet has no name for it), but some brokers answer an oversized publish with
    /// it; Mosquitto disconnects with it instead, which is why the forwarder checks the size before sending.
    /// </summary>
    public const MqttClientPublishReasonCode PacketTooLarge = (MqttClientPublishReasonCode)0x95;

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

    /// <summary>
    /// Whether the broker refused this very message and would refuse it again however often it is sent (it is too
    /// large, not allowed on its topic, malformed, over a quota): such an entry is set aside instead of blocking its
    /// lane. Other refusals (unspecified, implementation specific) are about the broker's state and are retried.
    /// "No matching subscribers" is not a refusal (see <see cref="Delivered"/>).
    /// </summary>
    public static bool Poison(MqttClientPublishReasonCode code) => code is
        PacketTooLarge
        or MqttClientPublishReasonCode.NotAuthorized
        or MqttClientPublishReasonCode.QuotaExceeded
        or MqttClientPublishReasonCode.PayloadFormatInvalid
        or MqttClientPublishReasonCode.TopicNameInvalid;

    /// <summary>The reason code's name, as logs and the set-aside fault carry it.</summary>
    public static string NameOf(MqttClientPublishReasonCode code) => code == PacketTooLarge ? nameof(PacketTooLarge) : code.ToString();
}
