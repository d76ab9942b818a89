using System.Buffers;
using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Core.Uplink;

/// <summary>The retained <c>status</c> message: online on connect, offline from the will or on a clean stop.</summary>
public static class StatusPayload
{
    /// <summary>
    /// Online, with the inputs and what the outbox had to drop unsent (never alarms), so the center knows. With
    /// <paramref name="reduced"/> the caller left the inputs out to fit the broker's maximum packet size, and the
    /// message says so (<c>"reduced": true</c>).
    /// </summary>
    public static byte[] Online(GatewayIdentity identity, IEnumerable<InputOptions> inputs, DateTimeOffset now, Outbox.OutboxDrops dropped = default, bool reduced = false) => Write(json =>
    {
        json.WriteString("state", "online");
        json.WriteString("boot", identity.BootId);
        json.WriteString("version", GatewayIdentity.Version);
        json.WriteStartObject("dropped");
        json.WriteNumber("event", dropped.Event);
        json.WriteNumber("telemetry", dropped.Telemetry);
        json.WriteEndObject();
        json.WriteString("ts", EventPayload.FormatTimestamp(now));
        json.WriteStartArray("inputs");
        foreach (var input in inputs)
        {
            json.WriteStartObject();
            json.WriteString("id", input.Id);
            json.WriteString("kind", EventPayload.KindName(input.Kind));
            json.WriteString("location", input.Location);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (reduced)
        {
            json.WriteBoolean("reduced", true);
        }
    });

    /// <summary>Offline with a reason: <c>connection-lost</c> (the will) or <c>shutdown</c> (clean stop).</summary>
    public static byte[] Offline(GatewayIdentity identity, string reason) => Write(json =>
    {
        json.WriteString("state", "offline");
        json.WriteString("reason", reason);
        json.WriteString("boot", identity.BootId);
    });

    /// <summary>One JSON object written by <paramref name="body"/>; shared by the gateway's uplink messages.</summary>
    internal static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
