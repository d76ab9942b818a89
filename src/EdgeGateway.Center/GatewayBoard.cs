using System.Text.Json;

namespace EdgeGateway.Center;

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

/// <summary>One gateway's line on the center's board.</summary>
/// <param name="Gateway"><c>site/gateway</c>.</param>
/// <param name="Online">From the retained status: true online, false offline, null not heard of yet.</param>
/// <param name="OfflineReason"><c>connection-lost</c> (the broker's will) or <c>shutdown</c>; null while online.</param>
/// <param name="Boot">The gateway process's boot id from its status.</param>
/// <param name="StatusChangedAt">When this console received the current status (its own clock).</param>
/// <param name="Health">The last health report, if any.</param>
/// <param name="LastAlarm">The last new alarm received.</param>
/// <param name="AwaitingAck">Alarms this center has not acknowledged yet, oldest first.</param>
public sealed record GatewayBoardEntry(
    string Gateway,
    bool? Online,
    string? OfflineReason,
    string? Boot,
    DateTimeOffset? StatusChangedAt,
    GatewayHealth? Health,
    CenterMessage? LastAlarm,
    IReadOnlyList<CenterMessage> AwaitingAck);

/// <summary>A command's result (<c>…/cmd/result</c>, docs/mqtt-contract.md).</summary>
/// <param name="Gateway"><c>site/gateway</c>.</param>
/// <param name="Id">The command id; null when the gateway could not read the command.</param>
/// <param name="Command">The command's name.</param>
/// <param name="Ok">Whether the gateway carried it out.</param>
/// <param name="ErrorCode">The error code when not ok.</param>
/// <param name="Detail">What changed (<c>detail</c>) or why it failed (<c>error</c>), as JSON; null when absent.</param>
/// <param name="Latency">Send-to-result time, when this console sent the command.</param>
public sealed record CommandResult(string Gateway, string? Id, string Command, bool Ok, string? ErrorCode, string? Detail, TimeSpan? Latency)
{
    public static CommandResult? TryParse(string gateway, ReadOnlySpan<byte> payload, Func<string?, TimeSpan?> latencyOf)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var doc = JsonDocument.ParseValue(ref reader);
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("ok", out var ok))
            {
                return null;
            }

            var id = r.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
            var error = r.TryGetProperty("error", out var errorElement) && errorElement.ValueKind == JsonValueKind.Object ? errorElement : (JsonElement?)null;
            var detail = error ?? (r.TryGetProperty("detail", out var detailElement) ? detailElement : null);
            return new CommandResult(
                gateway,
                id,
                r.TryGetProperty("command", out var command) ? command.GetString() ?? "" : "",
                ok.GetBoolean(),
                error is { } e && e.TryGetProperty("code", out var code) ? code.GetString() : null,
                detail?.GetRawText(),
                latencyOf(id));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
