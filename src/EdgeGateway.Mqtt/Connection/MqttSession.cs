using MQTTnet;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>One live connection to the broker; <see cref="Lost"/> fires when it ends.</summary>
public sealed class MqttSession(IMqttClient client, CancellationToken lost)
{
    public IMqttClient Client { get; } = client;

    public CancellationToken Lost { get; } = lost;
}
