using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using LiteDB;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// What an append drops to respect <see cref="OutboxOptions"/> (chosen by <see cref="OutboxDropPolicy"/>): a prefix
/// of each LiteDB lane, and journalled (or just accepted) entries by seq. Arrays are indexed by (int)Lane.
/// </summary>
internal sealed class DropPlan
{
    private DropPlan()
    {
    }

    /// <summary>Per lane, the highest seq dropped from LiteDB (every LiteDB entry up to it goes), or null.</summary>
    public long?[] FromDatabaseUpTo { get; } = new long?[3];

    public long[] FromDatabaseCount { get; } = new long[3];

    /// <summary>Seqs of journalled or just accepted entries dropped; they ride along in the append's journal frame.</summary>
    public List<long> FromJournal { get; } = [];

    /// <summary>Entries dropped per lane.</summary>
    public long[] Count { get; } = new long[3];

    /// <summary>
    /// Chooses what to drop and takes it off <paramref name="depth"/> (entries per lane, the append's included).
    /// Candidates are listed oldest first: LiteDB's entries, then the journalled ones, then the ones being appended.
    /// </summary>
    public static DropPlan Choose(OutboxOptions limits, OutboxDatabase database, OutboxLanes lanes, long[] depth, DateTimeOffset now, IReadOnlyList<JournalEntry> accepted)
    {
        var plan = new DropPlan();
        var chosen = OutboxDropPolicy.Choose(
            limits,
            new OutboxDepth(depth[(int)Lane.Alarm], depth[(int)Lane.Event], depth[(int)Lane.Telemetry]),
            now,
            lane => OldestFirst(database, lanes, lane, accepted),
            candidate => candidate.AcceptedAtMs);
        foreach (var (lane, candidate) in chosen)
        {
            plan.Add(lane, candidate);
            depth[(int)lane]--;
        }

        return plan;
    }

    /// <summary>
    /// As <see cref="Choose"/>. A drop writes LiteDB and puts the journal's drops in its meta, so a running background
    /// move ends first: only when the outbox is full does an append wait for one.
    /// </summary>
    public static DropPlan ChooseBesideMove(OutboxOptions limits, OutboxFiles files, OutboxLanes lanes, long[] depth, DateTimeOffset now, IReadOnlyList<JournalEntry> accepted)
    {
        var after = (long[])depth.Clone();
        var plan = Choose(limits, files.Usable(), lanes, after, now, accepted);
        if (plan.Count.Sum() > 0 && files.MoveRunning)
        {
            files.SettleMove();
            after = (long[])depth.Clone();
            plan = Choose(limits, files.Usable(), lanes, after, now, accepted);
        }

        after.CopyTo(depth, 0);
        return plan;
    }

    /// <summary>
    /// Deletes the chosen LiteDB entries before the append's journal write, without a checkpoint: if that write
    /// then fails, the entries stay dropped (the outbox was full) and the append stores nothing.
    /// </summary>
    public void DeleteFromDatabase(OutboxDatabase database, OutboxLanes lanes)
    {
        if (FromDatabaseUpTo.All(upTo => upTo is null))
        {
            return;
        }

        database.BeginTransaction();
        foreach (var lane in OutboxLanes.All)
        {
            if (FromDatabaseUpTo[(int)lane] is long upTo)
            {
                // Removed entries in that range go too; they are no longer the next move's to delete.
                database.LaneCollection(lane).DeleteMany(BsonExpression.Create("_id <= @0", new BsonValue(upTo)));
                lanes.Deleting[(int)lane].RemoveWhere(seq => seq <= upTo);

                // upTo is a live entry's seq, above the lane's floor: the documents below the floor went too.
                lanes.Passed[(int)lane] = 0;
                lanes.DeletedUpTo(lane, upTo);
            }
        }

        // Meta counts what LiteDB itself has dropped; the journal's drops join them at the next move.
        var dropped = new long[3];
        for (var i = 0; i < dropped.Length; i++)
        {
            dropped[i] = lanes.Dropped[i] - lanes.JournalDrops[i] + FromDatabaseCount[i];
        }

        database.WriteMeta(lanes.MovedSeq, dropped);
        database.Commit();
    }

    private static IEnumerable<Candidate> OldestFirst(OutboxDatabase database, OutboxLanes lanes, Lane lane, IReadOnlyList<JournalEntry> accepted)
    {
        foreach (var doc in lanes.Documents(database, lane))
        {
            yield return new Candidate(doc["_id"].AsInt64, doc["At"].AsInt64, InDatabase: true);
        }

        // A running move's entries are LiteDB's once it ends, which a plan that drops anything waits for.
        foreach (var moving in lanes.Moving[(int)lane].Values)
        {
            yield return new Candidate(moving.Entry.Seq, moving.AcceptedAtMs, InDatabase: true);
        }

        foreach (var journalled in lanes.Journalled[(int)lane].Values.Concat(accepted.Where(a => a.Entry.Lane == lane)))
        {
            yield return new Candidate(journalled.Entry.Seq, journalled.AcceptedAtMs, InDatabase: false);
        }
    }

    private void Add(Lane lane, Candidate candidate)
    {
        if (candidate.InDatabase)
        {
            FromDatabaseUpTo[(int)lane] = candidate.Seq;
            FromDatabaseCount[(int)lane]++;
        }
        else
        {
            FromJournal.Add(candidate.Seq);
        }

        Count[(int)lane]++;
    }

    private readonly record struct Candidate(long Seq, long AcceptedAtMs, bool InDatabase);
}
