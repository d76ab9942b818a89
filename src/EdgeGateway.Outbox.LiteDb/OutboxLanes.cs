using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using LiteDB;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// What the outbox holds, lane by lane, across LiteDB and the journal: the depths and drop counts, the journalled
/// entries not yet in LiteDB, and the LiteDB entries removed through the journal. Reads see both halves as one
/// queue. Not thread-safe: only the store's lock guards it. Arrays are indexed by (int)Lane.
/// </summary>
internal sealed partial class OutboxLanes
{
    /// <summary>Every lane, in the order <see cref="ReadPending"/> walks them.</summary>
    public static readonly Lane[] All = [Lane.Alarm, Lane.Event, Lane.Telemetry];

    /// <summary>Entries waiting per lane.</summary>
    public long[] Depth { get; } = new long[3];

    /// <summary>Entries dropped unsent per lane, since the outbox was created.</summary>
    public long[] Dropped { get; } = new long[3];

    /// <summary>Journalled entries not yet in LiteDB, per lane, by seq. All have higher seqs than the lane's LiteDB entries.</summary>
    public SortedDictionary<long, JournalEntry>[] Journalled { get; } = [new(), new(), new()];

    /// <summary>Drops recorded in the journal's frames (not yet in LiteDB's meta), per lane.</summary>
    public long[] JournalDrops { get; } = new long[3];

    /// <summary>LiteDB entries removed through the journal, per lane: hidden from reads, deleted by the next move.</summary>
    public HashSet<long>[] Deleting { get; } = [[], [], []];

    /// <summary>
    /// Entries of the older journal generation that a background move is putting into LiteDB, per lane, by seq: read
    /// from here until it ends (LiteDB may hold them already). One removed meanwhile goes to <see cref="Deleting"/>.
    /// </summary>
    public SortedDictionary<long, JournalEntry>[] Moving { get; } = [new(), new(), new()];

    /// <summary>LiteDB entries the running background move deletes, per lane: hidden from reads like <see cref="Deleting"/>.</summary>
    public HashSet<long>[] DeletingInMove { get; } = [[], [], []];

    private readonly List<string> _skipped = [];

    /// <summary>Entries set aside (<see cref="SetAsideShelf"/>), in no lane.</summary>
    public long SetAsideCount { get; set; }

    /// <summary>The highest seq stored (the writer gives them out).</summary>
    public long LastSeq { get; set; }

    /// <summary>
    /// LastSeq in LiteDB's meta: every seq up to it was moved into LiteDB (or removed before it could be), so the
    /// journal's replay skips them. The journal holds only seqs above it.
    /// </summary>
    public long MovedSeq { get; set; }

    /// <summary>Takes the state from a database just opened; the journal is replayed on top of it.</summary>
    public void Load(OutboxDatabase database)
    {
        var meta = database.ReadMeta();
        LastSeq = meta.LastSeq;
        MovedSeq = LastSeq;
        Dropped[(int)Lane.Event] = meta.DroppedEvents;
        Dropped[(int)Lane.Telemetry] = meta.DroppedTelemetry;
        database.ReadRemovedUpTo().CopyTo(RemovedUpTo, 0);
        foreach (var lane in All)
        {
            var collection = database.LaneCollection(lane);
            var floor = new BsonValue(RemovedUpTo[(int)lane]);
            Depth[(int)lane] = floor.AsInt64 > 0 ? collection.LongCount(BsonExpression.Create("_id > @0", floor)) : collection.LongCount();
            Passed[(int)lane] = floor.AsInt64 > 0 ? collection.LongCount(BsonExpression.Create("_id <= @0", floor)) : 0;
        }

        SetAsideCount = SetAsideShelf.Count(database);
        ForgetScans();
    }

    /// <summary>Forgets the journal's part: after a move into LiteDB, or before the journal is replayed again.</summary>
    public void ClearJournalled()
    {
        foreach (var lane in All)
        {
            Journalled[(int)lane].Clear();
            Deleting[(int)lane].Clear();
            Moving[(int)lane].Clear();
            DeletingInMove[(int)lane].Clear();
        }

        Array.Clear(JournalDrops);
        ForgetScans();
    }

    /// <summary>
    /// Hands the journalled entries and the pending deletes to a background move (the journal's generation is cut at
    /// the same moment, so what is appended or removed from now on is the next move's).
    /// </summary>
    /// <param name="purgeAfter">Null: the move does not purge (at open and close); see <see cref="JournalMover.PurgeAfter"/>.</param>
    public MoveBatch BeginMove(long? purgeAfter)
    {
        var floors = PlanFloors(purgeAfter);
        var batch = new MoveBatch(
            [.. All.Select(lane => (IReadOnlyList<JournalEntry>)[.. Journalled[(int)lane].Values])],
            floors.Deletes,
            LastSeq,
            (long[])Dropped.Clone(),
            floors.RemovedUpTo,
            floors.Passed,
            floors.PurgeUpTo);
        foreach (var lane in All)
        {
            foreach (var (seq, journalled) in Journalled[(int)lane])
            {
                Moving[(int)lane].Add(seq, journalled);
            }

            DeletingInMove[(int)lane].UnionWith(Deleting[(int)lane]);
            Journalled[(int)lane].Clear();
            Deleting[(int)lane].Clear();
        }

        return batch;
    }

    /// <summary>A move that failed: its entries and deletes are the journal's again, for the next move.</summary>
    public void AbortMove()
    {
        foreach (var lane in All)
        {
            foreach (var (seq, journalled) in Moving[(int)lane])
            {
                Journalled[(int)lane].TryAdd(seq, journalled);
            }

            Deleting[(int)lane].UnionWith(DeletingInMove[(int)lane]);
            Moving[(int)lane].Clear();
            DeletingInMove[(int)lane].Clear();
        }

        ForgetScans();
    }

    /// <summary>The background move is in LiteDB and on the device: its entries are read from LiteDB from now on.</summary>
    public void EndMove(MoveBatch batch)
    {
        // The journal's drops are in LiteDB's meta now (none happen while a move runs: the store lets it end first).
        MovedSeq = batch.LastSeq;
        Array.Clear(JournalDrops);
        foreach (var lane in All)
        {
            Moving[(int)lane].Clear();
            DeletingInMove[(int)lane].Clear();
        }

        // The moved entries are read from LiteDB now, where scans passed over them while they were hidden.
        EndFloors(batch);
    }

    /// <summary>Records an append that is on disk: its entries, the depth after it, and its drops.</summary>
    public void Accept(IReadOnlyList<JournalEntry> accepted, long[] depth, DropPlan drops)
    {
        LastSeq = Math.Max(LastSeq, accepted[^1].Entry.Seq);
        depth.CopyTo(Depth, 0);
        foreach (var journalled in accepted)
        {
            Journalled[(int)journalled.Entry.Lane].Add(journalled.Entry.Seq, journalled);
        }

        foreach (var dropped in drops.FromJournal)
        {
            var lane = TakeJournalled(dropped)!.Value.Entry.Lane;
            JournalDrops[(int)lane]++;
        }

        for (var i = 0; i < drops.Count.Length; i++)
        {
            Dropped[i] += drops.Count[i];
        }
    }

    /// <summary>The stored ones among <paramref name="entries"/> (each once), to remove.</summary>
    public List<JournalKey> StoredOf(OutboxDatabase database, IEnumerable<OutboxEntry> entries)
    {
        var stored = new List<JournalKey>();
        var seen = new HashSet<long>();
        foreach (var entry in entries)
        {
            if (Enum.IsDefined(entry.Lane) && seen.Add(entry.Seq) && Holds(database, entry))
            {
                stored.Add(new JournalKey(entry.Seq, entry.Lane));
            }
        }

        return stored;
    }

    /// <summary>
    /// Records a remove that is in the journal. Entries already in LiteDB, or on their way there in a background
    /// move, are deleted by the next move.
    /// </summary>
    public void Remove(IEnumerable<JournalKey> removed)
    {
        foreach (var key in removed)
        {
            _known[(int)key.Lane].Remove(key.Seq);
            if (TakeJournalled(key.Seq) is null)
            {
                Moving[(int)key.Lane].Remove(key.Seq);
                Deleting[(int)key.Lane].Add(key.Seq);
            }

            Depth[(int)key.Lane]--;
        }
    }

    public List<OutboxEntry> ReadPending(OutboxDatabase database, int max)
    {
        var result = new List<OutboxEntry>(Math.Min(max, 256));
        foreach (var lane in All)
        {
            var remaining = max - result.Count;
            if (remaining == 0)
            {
                break;
            }

            var known = _known[(int)lane];
            if (known.Count > MaxKnown)
            {
                known.Clear();
            }

            foreach (var doc in Documents(database, lane).Take(remaining).ToList())
            {
                if (TryRead(doc, lane) is { } entry)
                {
                    known[entry.Seq] = entry.EventId;
                    result.Add(entry);
                }
            }

            result.AddRange(Moving[(int)lane].Values.Concat(Journalled[(int)lane].Values).Take(max - result.Count).Select(j => j.Entry));
        }

        return result;
    }

    public DateTimeOffset? OldestTimestamp(OutboxDatabase database, Lane lane)
    {
        // Lanes are keyed by seq, given out in acceptance order; LiteDB holds older entries than the journal.
        var oldest = Documents(database, lane).FirstOrDefault();
        var journalled = Moving[(int)lane].Values.Concat(Journalled[(int)lane].Values).Select(j => (long?)j.AcceptedAtMs).FirstOrDefault();
        var oldestMs = oldest?["At"].AsInt64 ?? journalled;
        return oldestMs is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    /// <summary>Documents found unreadable since the last call, as "lane seq" (or "lane ?" without a readable id).</summary>
    public List<string> TakeSkipped()
    {
        var skipped = new List<string>(_skipped);
        _skipped.Clear();
        return skipped;
    }

    /// <summary>Takes a journalled entry out of its lane; null if no lane has it.</summary>
    public JournalEntry? TakeJournalled(long seq)
    {
        foreach (var lane in Journalled)
        {
            if (lane.Remove(seq, out var journalled))
            {
                return journalled;
            }
        }

        return null;
    }

    /// <summary>
    /// The entry a document holds, or null when it cannot be read (a field missing or of the wrong type): then it is
    /// hidden like a removed entry, deleted by the next move, and listed for <see cref="TakeSkipped"/>. One bad
    /// document must not stop every read of the lane behind it.
    /// </summary>
    private OutboxEntry? TryRead(BsonDocument doc, Lane lane)
    {
        var id = doc["_id"];
        var problem = !id.IsInt64 ? "_id is not a seq"
            : !doc["EventId"].IsString ? "EventId missing"
            : !doc["TopicLeaf"].IsString ? "TopicLeaf missing"
            : !doc["Payload"].IsBinary ? "Payload missing"
            : null;
        if (problem is null)
        {
            return OutboxDatabase.FromDocument(doc, lane);
        }

        _skipped.Add($"{LaneName(lane)} {(id.IsInt64 ? id.AsInt64.ToString(CultureInfo.InvariantCulture) : "?")}: {problem}");
        if (id.IsInt64 && Deleting[(int)lane].Add(id.AsInt64))
        {
            Depth[(int)lane]--;
        }

        return null;
    }

    private static string LaneName(Lane lane) => lane.ToString().ToLowerInvariant();

    /// <summary>
    /// Whether the outbox holds this very entry (journalled or in LiteDB, and not removed already): seq and event id.
    /// </summary>
    public bool Holds(OutboxDatabase database, OutboxEntry entry)
    {
        if (Journalled[(int)entry.Lane].TryGetValue(entry.Seq, out var journalled) || Moving[(int)entry.Lane].TryGetValue(entry.Seq, out journalled))
        {
            return journalled.Entry.EventId == entry.EventId;
        }

        if (entry.Seq <= RemovedUpTo[(int)entry.Lane] || (Hidden(entry.Lane)?.Invoke(entry.Seq) ?? false))
        {
            return false;
        }

        return _known[(int)entry.Lane].TryGetValue(entry.Seq, out var eventId)
            ? eventId == entry.EventId
            : database.LaneCollection(entry.Lane).FindById(entry.Seq) is { } doc && doc["EventId"].AsString == entry.EventId;
    }

    /// <summary>
    /// Which LiteDB documents of <paramref name="lane"/> reads pass over: removed ones, and those a running background
    /// move may have inserted already (read from <see cref="Moving"/> instead). Null when none.
    /// </summary>
    private Func<long, bool>? Hidden(Lane lane)
    {
        var deleting = Deleting[(int)lane];
        var inMove = DeletingInMove[(int)lane];
        var moving = Moving[(int)lane];
        return deleting.Count + inMove.Count + moving.Count == 0 ? null : seq => deleting.Contains(seq) || inMove.Contains(seq) || moving.ContainsKey(seq);
    }
}
