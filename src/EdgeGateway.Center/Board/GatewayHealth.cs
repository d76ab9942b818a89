using System.Text.Json;

namespace EdgeGateway.Center.Board;

/// <summary>The last health report of a gateway (<c>…/health</c>, docs/mqtt-contract.md).</summary>
public sealed record GatewayHealth(
    DateTimeOffset Timestamp,
    int AlarmDepth,
    int EventDepth,
    int TelemetryDepth,
    string Broker,
    int AwaitingAck,
    long? LastAckLatencyMs,
    bool TestMode)
{
    /// <summary>Parses a v1 health payload; null when it is not one. Fields the gateway leaves out read as empty.</summary>
    public static GatewayHealth? TryParse(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var doc = JsonDocument.ParseValue(ref reader);
            var h = doc.RootElement;
            if (h.ValueKind != JsonValueKind.Object || !h.TryGetProperty("ts", out var ts))
            {
                return null;
            }

            return new GatewayHealth(
                ts.GetDateTimeOffset(),
                Depth(h, "alarm"),
                Depth(h, "event"),
                Depth(h, "telemetry"),
                h.TryGetProperty("broker", out var broker) ? broker.GetString() ?? "" : "",
                h.TryGetProperty("awaitingAck", out var awaiting) && awaiting.ValueKind == JsonValueKind.Number ? awaiting.GetInt32() : 0,
                h.TryGetProperty("lastAckLatencyMs", out var latency) && latency.ValueKind == JsonValueKind.Number ? (long)latency.GetDouble() : null,
                h.TryGetProperty("testMode", out var testMode) && testMode.ValueKind == JsonValueKind.True);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static int Depth(JsonElement health, string lane) =>
        health.TryGetProperty("outbox", out var outbox) && outbox.ValueKind == JsonValueKind.Object
        && outbox.TryGetProperty(lane, out var entry) && entry.ValueKind == JsonValueKind.Object
        && entry.TryGetProperty("depth", out var depth) && depth.ValueKind == JsonValueKind.Number
            ? depth.GetInt32()
            : 0;
}
