using EdgeGateway.Events;
using EdgeGateway.Uplink;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeGateway.Connection;

/// <summary>The MQTT CONNECT the gateway sends: MQTT 5, persistent session, retained offline will, transport security.</summary>
public static class GatewayClientOptions
{
    public static MqttClientOptions Build(MqttOptions options, GatewayIdentity identity, TopicScheme topics) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(identity.GatewayId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(options.SessionExpirySeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            // A PUBACK or PINGRESP slower than the keepalive means the path is dead: give up and reconnect.
            .WithTimeout(TimeSpan.FromSeconds(Math.Max(options.KeepAliveSeconds, 2)))
            .WithWillTopic(topics.Status)
            .WithWillPayload(StatusPayload.Offline(identity, "connection-lost"))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTlsOptions(tls => tls.UseTls(options.UseTls))
            .Build();
}
