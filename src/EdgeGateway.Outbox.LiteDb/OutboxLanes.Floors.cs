using EdgeGateway.Core.Events;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// Removal floors: per lane, a seq at or below which every LiteDB document is removed. A move records the floor in
/// meta instead of deleting each drained document (a skip-list find and a delete per event, a quarter of the
/// gateway's CPU in a drain); the documents below it are deleted together by a purge once the outbox has drained.
/// Only a scan proves a floor: it has seen every document up to it, each a removed one.
/// </summary>
internal sealed partial class OutboxLanes
{
    /// <summary>Per lane, the floor in LiteDB's meta: every LiteDB document at or below it is removed, and reads start above it.</summary>
    public long[] RemovedUpTo { get; } = new long[3];

    /// <summary>Per lane, the removed LiteDB documents at or below <see cref="RemovedUpTo"/> still in the file, until a purge.</summary>
    public long[] Passed { get; } = new long[3];

    // Per lane, the highest seq at or below which scans found only removed documents (at least RemovedUpTo): the next
    // move's floor.
    private readonly long[] _removedThrough = new long[3];

    // Per lane, whether every document scans passed over below _scanFrom was a removed one (none of a running move).
    private readonly bool[] _prefixRemoved = [true, true, true];

    /// <summary>
    /// Whether a move should run to purge: documents wait below the floors, or removes are pending, and no lane has a
    /// live document in LiteDB (the drain is over). Only a trigger: the floors themselves come from scans.
    /// </summary>
    public bool PurgeDue => (Passed.Sum() > 0 || Deleting.Any(lane => lane.Count > 0)) && Drained;

    // No lane has a live document in LiteDB: every entry it counts is in memory (journalled or moving).
    private bool Drained => All.All(lane => Depth[(int)lane] - Journalled[(int)lane].Count - Moving[(int)lane].Count <= 0);

    /// <summary>The floors are LiteDB's again (at open, after a failure, after entries came back below them).</summary>
    private void ForgetFloors()
    {
        RemovedUpTo.CopyTo(_removedThrough, 0);
        RestartScans();
    }

    private void RestartScans()
    {
        Array.Clear(_scanFrom);
        Array.Fill(_prefixRemoved, true);
    }

    /// <summary>
    /// A scan passed over a hidden document at the lane's start: the floor follows it while all are removed ones, and
    /// while no move of the lane's entries runs (one may bring in an entry below it that the scan cannot see yet).
    /// </summary>
    private void PassedAtStart(Lane lane, long seq)
    {
        _scanFrom[(int)lane] = seq + 1;
        if (_prefixRemoved[(int)lane] && Moving[(int)lane].Count == 0
            && (Deleting[(int)lane].Contains(seq) || DeletingInMove[(int)lane].Contains(seq)))
        {
            _removedThrough[(int)lane] = Math.Max(_removedThrough[(int)lane], seq);
        }
        else
        {
            _prefixRemoved[(int)lane] = false;
        }
    }

    /// <summary>
    /// The floors a move records, the removes they cover (not deleted one by one), and what it purges first. It
    /// purges a lane when an entry appended late (with the lower seq it was given) would land below the floor, and
    /// otherwise, unless <paramref name="purgeAfter"/> is null, once no lane has a live document in LiteDB or once
    /// <paramref name="purgeAfter"/> documents would wait below the floors.
    /// </summary>
    private Floors PlanFloors(long? purgeAfter)
    {
        var floors = new Floors(new long[3], (long[])Passed.Clone(), new long[3], new IReadOnlyList<long>[3]);
        foreach (var lane in All)
        {
            var i = (int)lane;
            var proven = Math.Max(RemovedUpTo[i], _removedThrough[i]);
            floors.Deletes[i] = [.. Deleting[i].Where(seq => seq > proven)];
            var lowestJournalled = Journalled[i].Count > 0 ? Journalled[i].Keys.First() : long.MaxValue;
            if (lowestJournalled <= proven)
            {
                // Every document up to the floor goes first; then the floor drops under the late entry.
                floors.PurgeUpTo[i] = proven;
                floors.RemovedUpTo[i] = lowestJournalled - 1;
                floors.Passed[i] = 0;
                continue;
            }

            floors.RemovedUpTo[i] = proven;
            floors.Passed[i] += Deleting[i].Count - floors.Deletes[i].Count;
        }

        var waiting = floors.Passed.Sum();
        if (purgeAfter is long threshold && waiting > 0 && (Drained || waiting >= threshold))
        {
            foreach (var lane in All.Where(lane => floors.Passed[(int)lane] > 0))
            {
                floors.PurgeUpTo[(int)lane] = floors.RemovedUpTo[(int)lane];
                floors.Passed[(int)lane] = 0;
            }
        }

        return floors;
    }

    /// <summary>A move's floors are in LiteDB and on the device.</summary>
    private void EndFloors(MoveBatch batch)
    {
        foreach (var lane in All)
        {
            var i = (int)lane;
            RemovedUpTo[i] = batch.RemovedUpTo[i];
            Passed[i] = batch.Passed[i];

            // Scans may have gone past removed documents meanwhile, never past an entry the move inserted.
            var lowestInserted = batch.Inserts[i].Count > 0 ? batch.Inserts[i].Min(j => j.Entry.Seq) : long.MaxValue;
            _removedThrough[i] = Math.Max(RemovedUpTo[i], Math.Min(_removedThrough[i], lowestInserted - 1));
        }

        RestartScans();
    }

    /// <summary>Per lane: a move's floors, the documents left below them, what it purges first (0: nothing), and what it deletes one by one.</summary>
    private sealed record Floors(long[] RemovedUpTo, long[] Passed, long[] PurgeUpTo, IReadOnlyList<long>[] Deletes);
}
