using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Mqtt.Downlink;

/// <summary>
/// Hands each incoming message to the handler registered for its exact topic (the center's acks, its commands). The
/// connection subscribes every routed topic at each connect, so handlers register before the connection starts.
/// </summary>
public sealed class DownlinkRouter(ILogger<DownlinkRouter> logger)
{
    private readonly Dictionary<string, Action<MqttApplicationMessage>> _handlers = new(StringComparer.Ordinal);

    /// <summary>Routes messages on <paramref name="topic"/> to <paramref name="handler"/>; subscribed at every connect.</summary>
    public void Subscribe(string topic, Action<MqttApplicationMessage> handler) => _handlers[topic] = handler;

    /// <summary>One SUBSCRIBE for every routed topic at QoS 1, or null when nothing is routed.</summary>
    public MqttClientSubscribeOptions? SubscribeOptions()
    {
        if (_handlers.Count == 0)
        {
            return null;
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var topic in _handlers.Keys)
        {
            subscribe.WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        return subscribe.Build();
    }

    public Task RouteAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        if (_handlers.TryGetValue(args.ApplicationMessage.Topic, out var handler))
        {
            try
            {
                handler(args.ApplicationMessage);
            }
            catch (Exception ex)
            {
                // A bad downlink message must never take the connection down.
                Log.HandlerFailed(logger, args.ApplicationMessage.Topic, ex);
            }
        }

        return Task.CompletedTask;
    }
}
