using System.Security.Authentication;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Uplink;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>
/// Sends the commissioning table once, retained, as the gateway itself: its own client id and CONNECT (persistent
/// session, clean start off), so the broker's ACL binds it to the gateway's own topics and the session the service
/// resumes later is neither wiped nor replaced. Meant for first boot, before the service starts: while the service
/// runs, connecting with its client id would take its session over.
/// </summary>
public static class CommissioningPublisher
{
    /// <summary>Connect, publish and its PUBACK, and the disconnect: one deadline for all of it.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static async Task<ProbeResult> PublishAsync(MqttOptions options, GatewayIdentity identity, byte[] payload, TimeProvider time, CancellationToken cancellationToken)
    {
        var topics = new TopicScheme(identity);
        using var client = new MqttClientFactory().CreateMqttClient();
        using var deadline = new Deadline(Timeout, time, cancellationToken);
        try
        {
            var connected = await client.ConnectAsync(GatewayClientOptions.Build(options, identity, topics), deadline.Token);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
            {
                return new ProbeResult(false, $"broker refused: {connected.ResultCode}");
            }

            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topics.Commissioning)
                .WithPayload(payload)
                .WithContentType("application/json")
                .WithRetainFlag()
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            var published = await client.PublishAsync(message, deadline.Token);
            if (!published.IsSuccess)
            {
                return new ProbeResult(false, $"publish to {topics.Commissioning} refused: {published.ReasonCode} (broker ACL)");
            }

            // A clean DISCONNECT: the broker keeps the will (offline, connection-lost) to itself.
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), deadline.Token);
            return new ProbeResult(true, $"retained on {topics.Commissioning}");
        }
        catch (Exception ex) when (ex is MqttCommunicationException or AuthenticationException or IOException or OperationCanceledException)
        {
            return new ProbeResult(false, deadline.Expired
                ? $"no answer from {options.Host}:{options.Port} within {Timeout.TotalSeconds:0} s"
                : ex.Message);
        }
    }
}
