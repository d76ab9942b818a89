using EdgeGateway.Core.Events;
using LiteDB;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>How reads walk a lane's LiteDB documents cheaply: past the removed ones at its start, and removes without a lookup.</summary>
internal sealed partial class OutboxLanes
{
    // Per lane, a seq below which every LiteDB document is hidden (removed, or in a running move): scans start there
    // (or above the lane's removal floor) instead of passing over up to a move's worth of removed documents, each read
    // and deserialised, on every read. Forgotten whenever LiteDB may show documents below it again (a move ends,
    // set-aside entries come back).
    private readonly long[] _scanFrom = new long[3];

    // Per lane, the event ids of LiteDB documents reads handed out, by seq: a remove of one needs no lookup. Trimmed by
    // removes and deletes; cleared when it outgrows MaxKnown (entries read and never removed: a lookup then).
    private readonly Dictionary<long, string>[] _known = [new(), new(), new()];
    private const int MaxKnown = 4096;

    /// <summary>LiteDB may hold documents below the scan floors now (a move ended, set-aside entries came back), or lost some.</summary>
    public void ForgetScans()
    {
        ForgetFloors();
        foreach (var known in _known)
        {
            known.Clear();
        }
    }

    /// <summary>LiteDB's documents of <paramref name="lane"/> up to <paramref name="seq"/> were deleted (dropped): no remove finds them.</summary>
    public void DeletedUpTo(Lane lane, long seq)
    {
        var known = _known[(int)lane];
        foreach (var gone in known.Keys.Where(k => k <= seq).ToList())
        {
            known.Remove(gone);
        }
    }

    /// <summary>
    /// The lane's LiteDB documents that reads see, by seq: removed ones and those of a running move are passed over
    /// (<see cref="Hidden"/>), and the scan starts past the hidden ones it found at the lane's start last time. None
    /// when <see cref="Depth"/> counts only entries in memory.
    /// </summary>
    public IEnumerable<BsonDocument> Documents(OutboxDatabase database, Lane lane)
    {
        // Every entry the lane counts is in memory (journalled or moving): no query, whose planning alone allocates
        // tens of KiB, on an idle outbox's press path.
        if (Depth[(int)lane] <= Journalled[(int)lane].Count + Moving[(int)lane].Count)
        {
            yield break;
        }

        var hidden = Hidden(lane);
        var from = Math.Max(_scanFrom[(int)lane], RemovedUpTo[(int)lane] + 1);
        var collection = database.LaneCollection(lane);
        // A parameter, not Query.GTE: that writes the seq into the expression's text, so LiteDB compiles (Reflection.Emit)
        // every scan anew instead of taking the compiled expression from its cache.
        var documents = from > 1 ? collection.Find(BsonExpression.Create("_id >= @0", new BsonValue(from))) : collection.Find(Query.All(Query.Ascending));
        if (hidden is null)
        {
            foreach (var doc in documents)
            {
                yield return doc;
            }

            yield break;
        }

        var atStart = true;
        foreach (var doc in documents)
        {
            var id = doc["_id"];
            if (id.IsInt64 && hidden(id.AsInt64))
            {
                if (atStart)
                {
                    PassedAtStart(lane, id.AsInt64);
                }

                continue;
            }

            atStart = false;
            yield return doc;
        }
    }
}
