using System.Buffers;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Uplink;
using Microsoft.Extensions.Hosting;

namespace EdgeGateway.Mqtt.Downlink;

/// <summary>
/// Subscribes the center's <c>.../ack</c> topic and hands each ack to <see cref="CenterAcknowledgements"/>. An ack
/// over <see cref="AckMessage.MaxPayloadBytes"/> is handed over as it came, unread and uncopied, to be refused and
/// counted there; a small one is read from its first segment, copied only when the client split it.
/// </summary>
public sealed class CenterAckListener(DownlinkRouter router, TopicScheme topics, CenterAcknowledgements acknowledgements) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        router.Subscribe(topics.Ack, message =>
        {
            var payload = message.Payload;
            if (payload.Length > AckMessage.MaxPayloadBytes)
            {
                acknowledgements.OnOversizedAck(payload.Length);
            }
            else
            {
                acknowledgements.OnAckMessage(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
