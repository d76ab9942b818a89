using MQTTnet;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>
/// The deadline the gateway owns for the broker's PUBACK of every QoS 1 publish (outbox entries, republished alarms,
/// health and status). MQTTnet applies its own timeout only to tokens that cannot be cancelled, so without this a
/// half-open path would hold a publish until the session ends, which on a silent path may be never.
/// </summary>
public static class PubackDeadline
{
    /// <summary>
    /// How long a PUBACK may take: half the keepalive, at least 1 s. A slower PUBACK on a "connected" session means the
    /// path is dead, which is then noticed within half a keepalive of the publish, before the broker's 1.5 x keepalive.
    /// </summary>
    public static TimeSpan For(MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TimeSpan.FromSeconds(Math.Max(options.KeepAliveSeconds / 2.0, 1));
    }

    /// <summary>Publishes and waits for the PUBACK at most <paramref name="deadline"/>; throws <see cref="PubackOverdueException"/> when it passes.</summary>
    public static async Task<MqttClientPublishResult> PublishWithinAsync(
        this IMqttClient client, MqttApplicationMessage message, TimeSpan deadline, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var owned = new Deadline(deadline, time, cancellationToken);
        try
        {
            return await client.PublishAsync(message, owned.Token);
        }
        catch (Exception) when (owned.Expired && !cancellationToken.IsCancellationRequested)
        {
            // MQTTnet reports a cancelled wait for the PUBACK as its own timeout exception, not as a cancellation.
            throw new PubackOverdueException(deadline);
        }
    }
}

/// <summary>The broker did not answer a QoS 1 publish within the gateway's PUBACK deadline.</summary>
public sealed class PubackOverdueException(TimeSpan deadline)
    : TimeoutException($"no PUBACK within {deadline.TotalSeconds:0.#} s");
