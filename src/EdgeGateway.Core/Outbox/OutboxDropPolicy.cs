using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// What an append drops to respect <see cref="OutboxOptions"/>: expired telemetry, then the oldest telemetry and the
/// oldest events until the outbox fits <see cref="OutboxOptions.MaxEntries"/>. Alarms are never dropped (the outbox
/// grows past the limit rather than lose one). Pure: each store lists its lanes and applies the choice itself.
/// </summary>
public static class OutboxDropPolicy
{
    // Lanes that give up entries when the outbox is full, in the order they give them up.
    private static readonly Lane[] s_droppable = [Lane.Telemetry, Lane.Event];

    /// <summary>Chooses the entries to drop, in the order they are dropped: telemetry first, then events.</summary>
    /// <typeparam name="T">How the store names an entry.</typeparam>
    /// <param name="limits">The size limit and the telemetry time-to-live.</param>
    /// <param name="depth">Entries per lane, counting the ones being appended.</param>
    /// <param name="now">The newest timestamp of the append; telemetry accepted more than the time-to-live before it has expired.</param>
    /// <param name="oldestFirst">A lane's entries, oldest first, the ones being appended included. Read only as far as needed.</param>
    /// <param name="acceptedAtMs">When an entry was accepted, in Unix milliseconds (the resolution the LiteDB store keeps).</param>
    public static IReadOnlyList<(Lane Lane, T Entry)> Choose<T>(
        OutboxOptions limits,
        OutboxDepth depth,
        DateTimeOffset now,
        Func<Lane, IEnumerable<T>> oldestFirst,
        Func<T, long> acceptedAtMs)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(oldestFirst);
        ArgumentNullException.ThrowIfNull(acceptedAtMs);

        var chosen = new List<(Lane Lane, T Entry)>();
        if (limits.TelemetryTtlHours > 0 && depth.Telemetry > 0)
        {
            var cutoffMs = (now - TimeSpan.FromHours(limits.TelemetryTtlHours)).ToUnixTimeMilliseconds();

            // Telemetry is appended in time order, so the expired ones are at the start of the lane.
            chosen.AddRange(oldestFirst(Lane.Telemetry).TakeWhile(e => acceptedAtMs(e) < cutoffMs).Select(e => (Lane.Telemetry, e)).ToList());
        }

        var expired = chosen.Count;
        foreach (var lane in s_droppable)
        {
            var excess = depth.Total - chosen.Count - limits.MaxEntries;
            if (excess <= 0)
            {
                break;
            }

            // The expired telemetry is still in the store's lane: skip it rather than choose it twice.
            var alreadyChosen = lane == Lane.Telemetry ? expired : 0;
            chosen.AddRange(oldestFirst(lane).Skip(alreadyChosen).Take((int)Math.Min(excess, int.MaxValue)).Select(e => (lane, e)).ToList());
        }

        return chosen;
    }
}
