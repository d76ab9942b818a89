using System.Buffers;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Uplink;
using Microsoft.Extensions.Hosting;

namespace EdgeGateway.Mqtt.Downlink;

/// <summary>Subscribes the center's <c>.../ack</c> topic and hands each ack to <see cref="CenterAcknowledgements"/>.</summary>
public sealed class CenterAckListener(DownlinkRouter router, TopicScheme topics, CenterAcknowledgements acknowledgements) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        router.Subscribe(topics.Ack, message => acknowledgements.OnAckMessage(message.Payload.ToArray()));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
