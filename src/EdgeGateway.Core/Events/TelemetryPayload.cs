using System.Buffers;
using System.Text.Json;

namespace EdgeGateway.Core.Events;

/// <summary>
/// The v1 telemetry message on <c>…/telemetry</c>: the event envelope (v, id, seq, boot, site, gateway, ts, synced)
/// around one sensor's readings. A separate shape from events, so the center never mistakes a reading for an alarm.
/// </summary>
public static class TelemetryPayload
{
    /// <summary>Serialises a <see cref="EventKind.Telemetry"/> draft (one with <see cref="EventDraft.Telemetry"/>).</summary>
    public static byte[] Serialize(EventDraft draft, long seq, GatewayIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(identity);
        var sample = draft.Telemetry
            ?? throw new ArgumentException($"Telemetry draft {draft.Id} has no sample", nameof(draft));
        var readings = sample.Readings;
        var buffer = new ArrayBufferWriter<byte>(320);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", EventPayload.SchemaVersion);
            json.WriteString("id", draft.Id);
            json.WriteNumber("seq", seq);
            json.WriteString("boot", identity.BootId);
            json.WriteString("site", identity.SiteId);
            json.WriteString("gateway", identity.GatewayId);
            json.WriteString("sensor", draft.Input);
            json.WriteString("type", sample.SensorType);
            json.WriteStartObject("readings");
            WriteRounded(json, "temperatureC", readings.TemperatureC);
            WriteRounded(json, "humidityPct", readings.HumidityPct);
            WriteRounded(json, "pressureHpa", readings.PressureHpa);
            json.WriteEndObject();
            json.WriteString("ts", EventPayload.FormatTimestamp(draft.Timestamp));
            json.WriteBoolean("synced", draft.ClockSynced);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Two decimals: more than any of these sensors resolves, and it keeps float noise out of the message.
    private static void WriteRounded(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, Math.Round(v, 2, MidpointRounding.AwayFromZero));
        }
    }
}
