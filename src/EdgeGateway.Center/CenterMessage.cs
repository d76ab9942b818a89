using System.Text.Json;

namespace EdgeGateway.Center;

/// <summary>
/// An alarm, event or telemetry reading as the center reads it off <c>campus/v1/{site}/{gateway}/alarm|event|telemetry</c>.
/// For telemetry, <see cref="Input"/> is the sensor id, <see cref="Kind"/> the sensor type and <see cref="State"/> empty.
/// </summary>
public sealed record CenterMessage(
    string Topic,
    string Id,
    long Seq,
    string Boot,
    string Site,
    string Gateway,
    string Input,
    string Kind,
    string State,
    DateTimeOffset Timestamp,
    bool Synced,
    string Location,
    bool IsAlarm)
{
    /// <summary><c>site/gateway</c>: the key of the gateway on the board.</summary>
    public string GatewayKey => $"{Site}/{Gateway}";

    public bool IsTelemetry => Topic.EndsWith("/telemetry", StringComparison.Ordinal);

    /// <summary>The event's <c>detail</c> (a fault's cause and facts); empty when it has none.</summary>
    public IReadOnlyDictionary<string, string> Detail { get; init; } = new Dictionary<string, string>();

    /// <summary>Raised by an input under test (<c>"test": true</c>): a test press, not an emergency.</summary>
    public bool Test { get; init; }

    /// <summary>Parses a v1 event or telemetry payload; null when it is not one.</summary>
    public static CenterMessage? TryParse(string topic, ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var doc = JsonDocument.ParseValue(ref reader);
            var e = doc.RootElement;
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("v", out var v) || v.GetInt32() != 1)
            {
                return null;
            }

            var telemetry = topic.EndsWith("/telemetry", StringComparison.Ordinal);
            return new CenterMessage(
                topic,
                e.GetProperty("id").GetString() ?? "",
                e.GetProperty("seq").GetInt64(),
                e.GetProperty("boot").GetString() ?? "",
                e.GetProperty("site").GetString() ?? "",
                e.GetProperty("gateway").GetString() ?? "",
                e.GetProperty(telemetry ? "sensor" : "input").GetString() ?? "",
                e.GetProperty(telemetry ? "type" : "kind").GetString() ?? "",
                telemetry ? "" : e.GetProperty("state").GetString() ?? "",
                e.GetProperty("ts").GetDateTimeOffset(),
                e.GetProperty("synced").GetBoolean(),
                e.TryGetProperty("location", out var location) ? location.GetString() ?? "" : "",
                topic.EndsWith("/alarm", StringComparison.Ordinal))
            {
                Detail = e.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Object
                    ? detail.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal)
                    : new Dictionary<string, string>(),
                Test = e.TryGetProperty("test", out var test) && test.ValueKind == JsonValueKind.True,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }
}
