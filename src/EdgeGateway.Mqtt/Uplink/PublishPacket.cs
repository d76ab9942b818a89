using System.Text;
using MQTTnet;

namespace EdgeGateway.Mqtt.Uplink;

/// <summary>
/// The size of the MQTT 5 PUBLISH packet a message becomes, to compare with the broker's Maximum Packet Size before
/// sending: Mosquitto disconnects a client that sends a larger packet instead of refusing the message, so a message
/// that cannot fit must never be sent.
/// </summary>
internal static class PublishPacket
{
    public static long SizeOf(MqttApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var properties = 0L;
        if (!string.IsNullOrEmpty(message.ContentType))
        {
            properties += 1 + Utf8String(message.ContentType);
        }

        if (!string.IsNullOrEmpty(message.ResponseTopic))
        {
            properties += 1 + Utf8String(message.ResponseTopic);
        }

        if (message.CorrelationData is { Length: > 0 } correlation)
        {
            properties += 1 + 2 + correlation.Length;
        }

        if (message.MessageExpiryInterval > 0)
        {
            properties += 1 + 4;
        }

        if (message.PayloadFormatIndicator != MQTTnet.Protocol.MqttPayloadFormatIndicator.Unspecified)
        {
            properties += 1 + 1;
        }

        foreach (var property in message.UserProperties ?? [])
        {
            properties += 1 + Utf8String(property.Name) + 2 + property.ValueBuffer.Length;
        }

        var packetId = message.QualityOfServiceLevel == MQTTnet.Protocol.MqttQualityOfServiceLevel.AtMostOnce ? 0 : 2;
        var remaining = Utf8String(message.Topic) + packetId + VariableByteIntegerSize(properties) + properties + message.Payload.Length;
        return 1 + VariableByteIntegerSize(remaining) + remaining;
    }

    private static long Utf8String(string value) => 2 + Encoding.UTF8.GetByteCount(value);

    private static int VariableByteIntegerSize(long value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };
}
