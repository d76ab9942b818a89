using MQTTnet;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>One live connection to the broker; <see cref="Lost"/> fires when it ends.</summary>
public sealed class MqttSession(IMqttClient client, CancellationToken lost, bool resumed)
{
    public IMqttClient Client { get; } = client;

    public CancellationToken Lost { get; } = lost;

    /// <summary>The broker still had this gateway's session (clean start off).</summary>
    public bool Resumed { get; } = resumed;
}
