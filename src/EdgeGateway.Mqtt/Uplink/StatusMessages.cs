using EdgeGateway.Core.Events;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Connection;
using MQTTnet;

namespace EdgeGateway.Mqtt.Uplink;

/// <summary>
/// The retained <c>status</c> messages the connection sends: online at every connect (and on the <c>status</c> command),
/// offline/shutdown on a clean stop. The offline/connection-lost will is part of <see cref="GatewayClientOptions"/>;
/// it carries only the state, the reason and the boot id (about 100 bytes), so it fits any broker.
/// </summary>
/// <remarks>
/// A gateway must always be able to come online: when the full online status (with every input's location) would
/// exceed the broker's Maximum Packet Size, it is sent without the inputs and with <c>"reduced": true</c>. Mosquitto
/// would otherwise disconnect at every connect, and nothing could reach the center.
/// </remarks>
public sealed class StatusMessages(GatewayIdentity identity, TopicScheme topics, IStatusPayloadSource source, TimeProvider time)
{
    // The session's Maximum Packet Size; 0: none announced.
    private long _maximumPacketSize;

    /// <summary>The current broker's Maximum Packet Size, or 0 when it announced none.</summary>
    public long MaximumPacketSize => Interlocked.Read(ref _maximumPacketSize);

    /// <summary>Whether <paramref name="message"/> fits the current broker's Maximum Packet Size.</summary>
    public bool Fits(MqttApplicationMessage message) => MaximumPacketSize == 0 || PublishPacket.SizeOf(message) <= MaximumPacketSize;

    /// <summary>The online status from now on fits <paramref name="session"/>'s Maximum Packet Size. Returns the session.</summary>
    public MqttSession FitTo(MqttSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Interlocked.Exchange(ref _maximumPacketSize, session.MaximumPacketSize ?? 0);
        return session;
    }

    public MqttApplicationMessage Online()
    {
        var now = time.GetUtcNow();
        var full = RetainedMessage.Json(topics.Status, StatusPayload.Online(identity, source.Inputs, now, source.Dropped));
        var maximum = Interlocked.Read(ref _maximumPacketSize);
        return maximum == 0 || PublishPacket.SizeOf(full) <= maximum
            ? full
            : RetainedMessage.Json(topics.Status, StatusPayload.Online(identity, [], now, source.Dropped, reduced: true));
    }

    public MqttApplicationMessage Shutdown() => RetainedMessage.Json(topics.Status, StatusPayload.Offline(identity, "shutdown"));
}
