using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Mqtt.Uplink;

/// <summary>The shape of the gateway's retained messages (status, health): JSON at QoS 1, kept by the broker for late subscribers.</summary>
internal static class RetainedMessage
{
    public static MqttApplicationMessage Json(string topic, byte[] payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(payload)
        .WithRetainFlag(true)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithContentType("application/json")
        .Build();
}
