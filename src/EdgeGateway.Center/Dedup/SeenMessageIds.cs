namespace EdgeGateway.Center.Dedup;

/// <summary>
/// The ids of the alarms, events and readings seen, to tell a first copy from a duplicate. A console runs for months,
/// so an id is forgotten once it is older than the window, unless it is still needed (an alarm awaiting its ack).
/// Thread-safe.
/// </summary>
/// <param name="window">How long an id is remembered (<see cref="CenterOptions.DedupWindowHours"/>).</param>
/// <param name="time">The clock of the window.</param>
/// <param name="stillNeeded">Whether an expired id must be kept for another window.</param>
/// <param name="forgotten">Told of each id this forgets.</param>
internal sealed class SeenMessageIds(TimeSpan window, TimeProvider time, Func<string, bool> stillNeeded, Action<string> forgotten)
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<(long SeenAt, string Id)> _order = new();
    private readonly Lock _lock = new();

    /// <summary>True the first time <paramref name="id"/> is seen (within the window); false for a duplicate.</summary>
    public bool TryRemember(string id)
    {
        lock (_lock)
        {
            ForgetExpired();
            if (!_ids.Add(id))
            {
                return false;
            }

            _order.Enqueue((time.GetTimestamp(), id));
            return true;
        }
    }

    private void ForgetExpired()
    {
        while (_order.TryPeek(out var oldest) && time.GetElapsedTime(oldest.SeenAt) > window)
        {
            _order.Dequeue();
            if (stillNeeded(oldest.Id))
            {
                // Still awaiting the operator: keep it, and look at it again after another window.
                _order.Enqueue((time.GetTimestamp(), oldest.Id));
                continue;
            }

            _ids.Remove(oldest.Id);
            forgotten(oldest.Id);
        }
    }
}
