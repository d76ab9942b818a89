using System.Buffers;
using EdgeGateway.Connection;
using EdgeGateway.Uplink;
using Microsoft.Extensions.Hosting;

namespace EdgeGateway.Downlink;

/// <summary>Subscribes the center's <c>.../ack</c> topic and hands each ack to <see cref="CenterAcknowledgements"/>.</summary>
public sealed class CenterAckListener(MqttConnection connection, TopicScheme topics, CenterAcknowledgements acknowledgements) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        connection.Subscribe(topics.Ack, message => acknowledgements.OnAckMessage(message.Payload.ToArray()));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
