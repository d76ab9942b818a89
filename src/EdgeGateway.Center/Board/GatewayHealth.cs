using System.Text.Json;

namespace EdgeGateway.Center.Board;

/// <summary>
/// The last health report of a gateway (<c>…/health</c>, docs/mqtt-contract.md). While test mode is on,
/// <c>TestModeUntil</c> says when it ends by itself and <c>TestModeInputs</c> which inputs are under test (<c>all</c>, or
/// their ids, and after <c>real:</c> those a held panic made real).
/// </summary>
public sealed record GatewayHealth(
    DateTimeOffset Timestamp,
    int AlarmDepth,
    int EventDepth,
    int TelemetryDepth,
    string Broker,
    int AwaitingAck,
    long? LastAckLatencyMs,
    bool TestMode,
    DateTimeOffset? TestModeUntil = null,
    string? TestModeInputs = null)
{
    /// <summary>The gateway's <c>proven</c>: alarm inputs last proven by a test press, with that press's round trip (the gateway's monotonic measure).</summary>
    public IReadOnlyList<(string Input, DateTimeOffset? At, long? RoundTripMs)> Proven { get; init; } = [];

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
                h.TryGetProperty("testMode", out var testMode) && testMode.ValueKind == JsonValueKind.True,
                h.TryGetProperty("testModeUntil", out var until) && until.ValueKind == JsonValueKind.String ? until.GetDateTimeOffset() : null,
                TestInputs(h))
            {
                Proven = h.TryGetProperty("proven", out var proven) && proven.ValueKind == JsonValueKind.Object
                    ? [.. proven.EnumerateObject().Select(p => (
                        p.Name,
                        p.Value.TryGetProperty("at", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : (DateTimeOffset?)null,
                        p.Value.TryGetProperty("roundTripMs", out var rtt) && rtt.ValueKind == JsonValueKind.Number ? rtt.GetInt64() : (long?)null))]
                    : [],
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary><c>all</c> or the ids under test, and <c>, real: …</c> for inputs a held panic took out; null while off.</summary>
    private static string? TestInputs(JsonElement health)
    {
        if (!health.TryGetProperty("testMode", out var on) || on.ValueKind != JsonValueKind.True)
        {
            return null;
        }

        var inputs = health.TryGetProperty("testModeInputs", out var named) && named.ValueKind == JsonValueKind.Array
            ? string.Join(',', named.EnumerateArray().Select(i => i.GetString()))
            : "all";
        var released = health.TryGetProperty("testModeReleased", out var real) && real.ValueKind == JsonValueKind.Array && real.GetArrayLength() > 0
            ? $", real: {string.Join(',', real.EnumerateArray().Select(i => i.GetString()))}"
            : "";
        return inputs + released;
    }

    private static int Depth(JsonElement health, string lane) =>
        health.TryGetProperty("outbox", out var outbox) && outbox.ValueKind == JsonValueKind.Object
        && outbox.TryGetProperty(lane, out var entry) && entry.ValueKind == JsonValueKind.Object
        && entry.TryGetProperty("depth", out var depth) && depth.ValueKind == JsonValueKind.Number
            ? depth.GetInt32()
            : 0;
}
