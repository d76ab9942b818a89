using System.Buffers;
using System.Text.Json;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.Mqtt.Uplink;

/// <summary>
/// The reduced form of an alarm the broker will not take in full: only the fields the center needs to raise it (who,
/// what, when) and <c>"reduced": true</c>, so a panic with an overlong location still reaches the center. The full
/// entry stays set aside in the outbox.
/// </summary>
internal static class ReducedAlarm
{
    /// <summary>The fields kept, in wire order. <c>test</c> is kept too: a walk-test alarm must never look real.</summary>
    private static readonly string[] s_kept = ["v", "id", "seq", "boot", "site", "gateway", "input", "kind", "state", "ts", "synced", "test"];

    /// <summary>The reduced form of an alarm (see <see cref="Of"/>); null for events and telemetry, which are never reduced.</summary>
    public static OutboxEntry? For(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Lane == Core.Events.Lane.Alarm ? Of(entry) : null;
    }

    /// <summary>The entry with the reduced payload (same seq, id and lane); null if its payload is not an event object.</summary>
    public static OutboxEntry? Of(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            using var full = JsonDocument.Parse(entry.Payload);
            if (full.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var buffer = new ArrayBufferWriter<byte>(256);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                foreach (var name in s_kept)
                {
                    if (full.RootElement.TryGetProperty(name, out var value))
                    {
                        json.WritePropertyName(name);
                        value.WriteTo(json);
                    }
                }

                json.WriteBoolean("reduced", true);
                json.WriteEndObject();
            }

            return entry with { Payload = buffer.WrittenSpan.ToArray() };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether the entry is itself a set-aside fault report: it is never reported again, or a refused report would breed reports.</summary>
    public static bool IsSetAsideFault(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            using var json = JsonDocument.Parse(entry.Payload);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("detail", out var detail)
                && detail.ValueKind == JsonValueKind.Object
                && detail.TryGetProperty("fault", out var fault)
                && fault.ValueEquals(OutboxForwarder.SetAsideFault);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
