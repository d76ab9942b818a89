using System.Buffers;
using System.Text.Json;

namespace EdgeGateway.Core.Events;

/// <summary>The v1 event message the center receives (see docs/mqtt-contract.md).</summary>
public static class EventPayload
{
    public const int SchemaVersion = 1;

    /// <summary>Serialises the event once, when it is accepted; retries resend these exact bytes.</summary>
    public static byte[] Serialize(EventDraft draft, long seq, GatewayIdentity identity)
    {
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", SchemaVersion);
            json.WriteString("id", draft.Id);
            json.WriteNumber("seq", seq);
            json.WriteString("boot", identity.BootId);
            json.WriteString("site", identity.SiteId);
            json.WriteString("gateway", identity.GatewayId);
            json.WriteString("input", draft.Input);
            json.WriteString("kind", KindName(draft.Kind));
            json.WriteString("state", draft.State == EventState.Active ? "active" : "restored");
            json.WriteString("ts", FormatTimestamp(draft.Timestamp));
            json.WriteBoolean("synced", draft.ClockSynced);
            json.WriteString("location", draft.Location);
            if (draft.Detail is { Count: > 0 } detail)
            {
                json.WriteStartObject("detail");
                foreach (var (name, value) in detail)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
            }

            if (draft.Test)
            {
                // Only present when true: a walk-test event the center must not dispatch on.
                json.WriteBoolean("test", true);
            }
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string KindName(EventKind kind) => kind switch
    {
        EventKind.Panic => "panic",
        EventKind.Smoke => "smoke",
        EventKind.Intrusion => "intrusion",
        EventKind.Door => "door",
        EventKind.Tamper => "tamper",
        EventKind.Fault => "fault",
        EventKind.Temperature => "temperature",
        EventKind.Telemetry => "telemetry",
        EventKind.Checkpoint => "checkpoint",
        EventKind.Duty => "duty",
        EventKind.Patrol => "patrol",
        _ => "generic",
    };

    /// <summary>UTC ISO-8601 with milliseconds, for example <c>2026-11-29T05:13:56.123Z</c>.</summary>
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
