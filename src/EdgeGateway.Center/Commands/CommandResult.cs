using System.Text.Json;

namespace EdgeGateway.Center.Commands;

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
