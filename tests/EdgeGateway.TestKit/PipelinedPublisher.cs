using MQTTnet;

namespace EdgeGateway.TestKit;

/// <summary>A bare QoS 1 publisher loop: up to a window of publishes awaiting their PUBACK, as the gateway's forwarder keeps them.</summary>
public static class PipelinedPublisher
{
    /// <summary>Publishes <paramref name="message"/> <paramref name="count"/> times, at most <paramref name="window"/> in flight; returns when every PUBACK is in.</summary>
    public static async Task PublishAsync(IMqttClient client, MqttApplicationMessage message, int count, int window)
    {
        ArgumentNullException.ThrowIfNull(client);
        var inFlight = new List<Task>(window);
        for (var i = 0; i < count; i++)
        {
            inFlight.Add(client.PublishAsync(message));
            if (inFlight.Count == window)
            {
                await Task.WhenAny(inFlight);
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(inFlight);
    }
}
