using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using LiteDB;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// The set-aside entries: a LiteDB collection of their own (<c>setaside</c>, keyed by seq, with the lane, the
/// acceptance time and the reason), outside every lane, so reads of the lanes never see them. Set-aside is rare, so
/// each change moves the journal into LiteDB first and then runs as one durable transaction: an entry is in its
/// lane or set aside, never both and never neither, whatever a power cut interrupts.
/// </summary>
internal static class SetAsideShelf
{
    public const string CollectionName = "setaside";

    public static long Count(OutboxDatabase database) => Shelf(database).LongCount();

    public static List<OutboxEntry> SetAside(OutboxDatabase database, OutboxJournal journal, OutboxLanes lanes, IReadOnlyCollection<OutboxEntry> entries, string reason)
    {
        var pending = lanes.StoredOf(database, entries);
        if (pending.Count == 0)
        {
            return [];
        }

        JournalMover.Move(database, journal, lanes);
        var setAside = new List<OutboxEntry>(pending.Count);
        database.BeginTransaction();
        foreach (var key in pending)
        {
            var lane = database.LaneCollection(key.Lane);
            var doc = lane.FindById(key.Seq);
            lane.Delete(key.Seq);
            doc["Lane"] = (int)key.Lane;
            doc["Reason"] = reason;
            Shelf(database).Insert(doc);
            setAside.Add(OutboxDatabase.FromDocument(doc, key.Lane));
        }

        database.Commit();
        database.MakeDurable();
        lanes.ForgetScans();
        foreach (var key in pending)
        {
            lanes.Depth[(int)key.Lane]--;
        }

        lanes.SetAsideCount += pending.Count;
        return setAside;
    }

    public static List<SetAsideEntry> Read(OutboxDatabase database, int max) =>
        [.. Shelf(database).Find(Query.All(Query.Ascending), 0, max)
            .Select(doc => new SetAsideEntry(OutboxDatabase.FromDocument(doc, LaneOf(doc)), doc["Reason"].AsString))];

    /// <summary>Puts every set-aside entry back into its lane's LiteDB collection, where its seq sorts it to its old place.</summary>
    public static int Restore(OutboxDatabase database, OutboxLanes lanes)
    {
        var shelved = Shelf(database).FindAll().Select(doc => (Doc: doc, Lane: LaneOf(doc))).ToList();
        if (shelved.Count == 0)
        {
            return 0;
        }

        // An entry that comes back below its lane's floor would be hidden there: the documents below go first, then the floor.
        var floors = (long[])lanes.RemovedUpTo.Clone();
        foreach (var lane in shelved.Where(s => s.Doc["_id"].AsInt64 <= floors[(int)s.Lane]).Select(s => s.Lane).Distinct().ToList())
        {
            database.PurgeUpTo(lane, floors[(int)lane]);
            floors[(int)lane] = 0;
            lanes.Passed[(int)lane] = 0;
        }

        database.BeginTransaction();
        database.WriteRemovedUpTo(floors);
        foreach (var (doc, lane) in shelved)
        {
            Shelf(database).Delete(doc["_id"]);
            doc.Remove("Lane");
            doc.Remove("Reason");
            database.LaneCollection(lane).Insert(doc);
        }

        database.Commit();
        database.MakeDurable();
        floors.CopyTo(lanes.RemovedUpTo, 0);
        lanes.ForgetScans();
        foreach (var (_, lane) in shelved)
        {
            lanes.Depth[(int)lane]++;
        }

        lanes.SetAsideCount = 0;
        return shelved.Count;
    }

    private static Lane LaneOf(BsonDocument doc) => (Lane)doc["Lane"].AsInt32;

    private static ILiteCollection<BsonDocument> Shelf(OutboxDatabase database) => database.Collection(CollectionName);
}
