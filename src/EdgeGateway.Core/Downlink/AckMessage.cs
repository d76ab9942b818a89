using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Downlink;

/// <summary>Reads the center's ack message <c>{"id": "...", "by": "...", "ts": "..."}</c>; a malformed one is logged and yields null.</summary>
internal static class AckMessage
{
    public static (string Id, string By)? Read(ReadOnlySpan<byte> payload, ILogger logger)
    {
        string? id;
        string by;
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            id = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
                ? idElement.GetString()
                : null;
            by = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("by", out var byElement) && byElement.ValueKind == JsonValueKind.String
                ? byElement.GetString() ?? ""
                : "";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // JsonDocument checks structure, not string contents: GetString throws InvalidOperationException
            // on invalid UTF-8 inside "id" or "by".
            Log.MalformedAck(logger, ex.Message);
            return null;
        }

        if (string.IsNullOrEmpty(id))
        {
            Log.MalformedAck(logger, "no string 'id'");
            return null;
        }

        return (id, by);
    }
}
