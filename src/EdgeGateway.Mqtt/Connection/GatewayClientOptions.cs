using EdgeGateway.Core.Events;
using EdgeGateway.Core.Uplink;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>The MQTT CONNECT the gateway sends: MQTT 5, persistent session, retained offline will, transport security.</summary>
public static class GatewayClientOptions
{
    /// <summary>
    /// The largest packet the gateway takes from the broker (its CONNECT's Maximum Packet Size): 64 KiB, far above any
    /// ack or command (Commands:MaxPayloadBytes). The broker must not send a larger one, so an oversized message for
    /// the gateway is refused at the broker before the gateway allocates it.
    /// </summary>
    public const uint MaximumIncomingPacketSize = 64 * 1024;

    public static MqttClientOptions Build(MqttOptions options, GatewayIdentity identity, TopicScheme topics)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(identity.GatewayId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(options.SessionExpirySeconds)
            .WithMaximumPacketSize(MaximumIncomingPacketSize)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            // A PUBACK or PINGRESP slower than half the keepalive means the path is dead: the ping goes out after a
            // keepalive of silence, so a dead path is noticed within 1.5 x keepalive (the broker's own bound).
            .WithTimeout(TimeSpan.FromSeconds(Math.Max(options.KeepAliveSeconds / 2.0, 1)))
            .WithWillTopic(topics.Status)
            .WithWillPayload(StatusPayload.Offline(identity, "connection-lost"))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTlsOptions(tls => TransportSecurity.Configure(tls, options))
            // A publish in one write: MQTTnet otherwise writes header and payload apart, two TCP segments (two TLS
            // records) for the broker to read, and two system calls, a quarter of the gateway's CPU in a drain.
            .WithoutPacketFragmentation();
        if (!string.IsNullOrEmpty(options.CredentialsFile))
        {
            // Read at every connect, never kept in the options object and never logged.
            var credentials = TransportSecurity.LoadCredentials(options.CredentialsFile);
            builder.WithCredentials(credentials.Username, credentials.Password);
        }

        return builder.Build().WithSocketBuffers();
    }
}
