namespace EdgeGateway.Center.Commands;

/// <summary>The commands this console sent and has no result for yet, to time their results. Thread-safe.</summary>
internal sealed class PendingCommands(TimeProvider time)
{
    private readonly Dictionary<string, long> _sentAt = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Sent(string id)
    {
        lock (_lock)
        {
            _sentAt[id] = time.GetTimestamp();
        }
    }

    /// <summary>Send-to-result time of command <paramref name="id"/>, once; null when this console did not send it.</summary>
    public TimeSpan? Answered(string? id)
    {
        lock (_lock)
        {
            return id is not null && _sentAt.Remove(id, out var sentAt) ? time.GetElapsedTime(sentAt) : null;
        }
    }
}
