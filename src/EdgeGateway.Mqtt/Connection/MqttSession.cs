using EdgeGateway.Mqtt.Uplink;
using MQTTnet;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>One live connection to the broker; <see cref="Lost"/> fires when it ends.</summary>
/// <param name="client">The connected client.</param>
/// <param name="lost">Fires when the session ends.</param>
/// <param name="connected">The broker's CONNACK: its limits for this session. Null: no limits announced.</param>
public sealed class MqttSession(IMqttClient client, CancellationToken lost, MqttClientConnectResult? connected = null)
{
    /// <summary>What MQTT 5 means when the CONNACK has no Receive Maximum.</summary>
    public const ushort UnlimitedReceiveMaximum = ushort.MaxValue;

    public IMqttClient Client { get; } = client;

    public CancellationToken Lost { get; } = lost;

    /// <summary>
    /// How many QoS 1 publishes the broker takes unacknowledged at once (its CONNACK Receive Maximum; 65535 when it
    /// announced none). More in flight is a protocol error the broker answers by disconnecting.
    /// </summary>
    public ushort ReceiveMaximum { get; } = connected?.ReceiveMaximum is > 0 and var announced ? (ushort)announced : UnlimitedReceiveMaximum;

    /// <summary>
    /// The largest packet the broker accepts (its CONNACK Maximum Packet Size), or null when it announced none.
    /// Mosquitto disconnects a client that sends a larger one instead of answering it.
    /// </summary>
    public uint? MaximumPacketSize { get; } = connected is { MaximumPacketSize: > 0 } ? connected.MaximumPacketSize : null;

    /// <summary>Whether <paramref name="message"/> fits <see cref="MaximumPacketSize"/>; <paramref name="size"/> is its packet's size.</summary>
    public bool Fits(MqttApplicationMessage message, out long size)
    {
        size = PublishPacket.SizeOf(message);
        return MaximumPacketSize is not { } maximum || size <= maximum;
    }
}
