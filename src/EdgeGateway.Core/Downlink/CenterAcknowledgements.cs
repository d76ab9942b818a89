using System.Collections.Concurrent;
using System.Text.Json;
using EdgeGateway.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Downlink;

/// <summary>
/// Tracks alarms from broker PUBACK to the center's application acknowledgement: a PUBACK only says the
/// broker has the alarm; the ack on <c>.../ack</c> says the center saw it.
/// </summary>
public sealed class CenterAcknowledgements(TimeProvider time, ILogger<CenterAcknowledgements> logger)
{
    private readonly ConcurrentDictionary<string, long> _awaitingAck = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _unknownLogged = new(StringComparer.Ordinal);

    /// <summary>Raised when the center acknowledges an alarm this gateway published: (event id, by, latency).</summary>
    public event Action<string, string, TimeSpan>? Acknowledged;

    /// <summary>Alarms published and not yet acknowledged by the center.</summary>
    public int Outstanding => _awaitingAck.Count;

    /// <summary>The last publish-to-ack time, if any alarm has been acknowledged.</summary>
    public TimeSpan? LastLatency { get; private set; }

    /// <summary>An entry is being published; alarms now wait for the center's ack. A re-publish keeps the first time.</summary>
    public void Published(OutboxEntry entry)
    {
        if (entry.Lane == Events.Lane.Alarm)
        {
            _awaitingAck.TryAdd(entry.EventId, time.GetTimestamp());
        }
    }

    /// <summary>Handles an ack message <c>{"id": "...", "by": "...", "ts": "..."}</c>. Never throws on bad input.</summary>
    public void OnAckMessage(ReadOnlySpan<byte> payload)
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
            return;
        }

        if (string.IsNullOrEmpty(id))
        {
            Log.MalformedAck(logger, "no string 'id'");
            return;
        }

        if (_awaitingAck.TryRemove(id, out var publishedAt))
        {
            var latency = time.GetElapsedTime(publishedAt);
            LastLatency = latency;
            Log.CenterAcknowledged(logger, id, by, (long)latency.TotalMilliseconds);
            Acknowledged?.Invoke(id, by, latency);
        }
        else if (_unknownLogged.TryAdd(id, 0))
        {
            Log.UnknownAck(logger, id);
        }
    }
}
