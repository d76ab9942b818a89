using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>What LiteDB's <c>meta</c> document says: every seq up to <see cref="LastSeq"/> was moved in, and the drop counts.</summary>
internal readonly record struct OutboxMeta(long LastSeq, long DroppedEvents, long DroppedTelemetry);

/// <summary>
/// LiteDB's half of the outbox: the data and log files, each over a <see cref="DiskFlushingStream"/> (LiteDB 5.0.x
/// does not fsync on commit, so it runs over streams this class owns), the lane collections and <c>meta</c>.
/// </summary>
internal sealed class OutboxDatabase
{
    private const int SchemaVersion = 1;
    private const string MetaCollection = "meta";
    private const string MetaId = "outbox";
    private const string RemovedUpToId = "removed";

    // A purge deletes the documents below a lane's floor this many to a transaction, so its dirty pages stay few.
    private const int PurgeChunk = 4096;

    // Indexed by (int)Lane.
    private static readonly string[] s_laneCollections = ["alarm", "event", "telemetry"];

    private readonly LiteDatabase _db;
    private readonly DiskFlushingStream _data;
    private readonly DiskFlushingStream _log;

    private OutboxDatabase(LiteDatabase db, DiskFlushingStream data, DiskFlushingStream log)
    {
        _db = db;
        _data = data;
        _log = log;
    }

    /// <summary>
    /// Opens the data and log files and folds in a log left by a crash, then <paramref name="load"/> reads the state.
    /// Throws what LiteDB throws for a file it cannot read, and <see cref="NotSupportedException"/> for a newer schema;
    /// the files are closed again then.
    /// </summary>
    public static OutboxDatabase Open(string dataPath, string logPath, Func<string, FileStream> openFile, Action<OutboxDatabase> load, ILogger logger)
    {
        FileStream? dataFile = null;
        FileStream? logFile = null;
        LiteDatabase? db = null;
        try
        {
            dataFile = openFile(dataPath);
            logFile = openFile(logPath);
            var log = new DiskFlushingStream(logFile);
            var data = new DiskFlushingStream(dataFile, writeAhead: log);
            db = new LiteDatabase(data, new BsonMapper(), log);
            MakeCollections(db);

            // A log left by a crash is folded in now, so from here on the data file alone holds the state.
            db.Checkpoint();
            data.Flush();
            log.Flush();

            var meta = db.GetCollection(MetaCollection).FindById(MetaId);
            if (meta is not null && meta["SchemaVersion"].AsInt32 > SchemaVersion)
            {
                // Not corruption: a newer gateway wrote it. Refuse rather than set the data aside.
                throw new NotSupportedException(
                    $"Outbox '{dataPath}' has schema version {meta["SchemaVersion"].AsInt32}; this gateway knows {SchemaVersion}.");
            }

            var database = new OutboxDatabase(db, data, log);
            load(database);
            return database;
        }
        catch
        {
            try
            {
                db?.Dispose();
            }
            catch (Exception ex)
            {
                Log.CloseFailed(logger, dataPath, ex);
            }

            logFile?.Dispose();
            dataFile?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Makes every collection the outbox uses, empty, while nothing else runs: LiteDB 5.0.21 lists a collection that a
    /// committing transaction makes in its shared header before the collection's page can be read, so a read of it
    /// meanwhile fails ("page type must be collection page", litedb-org/LiteDB#2792). No background move makes one then.
    /// </summary>
    private static void MakeCollections(LiteDatabase db)
    {
        foreach (var name in (string[])[.. s_laneCollections, MetaCollection, SetAsideShelf.CollectionName])
        {
            if (!db.CollectionExists(name))
            {
                db.GetCollection(name, BsonAutoId.Int64).InsertBulk([]);
            }
        }
    }

    public static OutboxEntry FromDocument(BsonDocument doc, Lane lane) => new(
        doc["_id"].AsInt64,
        doc["EventId"].AsString,
        lane,
        doc["TopicLeaf"].AsString,
        doc["Payload"].AsBinary);

    public ILiteCollection<BsonDocument> LaneCollection(Lane lane) =>
        _db.GetCollection(s_laneCollections[(int)lane], BsonAutoId.Int64);

    /// <summary>A collection of its own (not a lane), keyed by seq.</summary>
    public ILiteCollection<BsonDocument> Collection(string name) => _db.GetCollection(name, BsonAutoId.Int64);

    public OutboxMeta ReadMeta()
    {
        var meta = _db.GetCollection(MetaCollection).FindById(MetaId);
        return new OutboxMeta(
            meta is null ? 0 : meta["LastSeq"].AsInt64,
            meta?["DroppedEvents"] is { IsInt64: true } e ? e.AsInt64 : 0,
            meta?["DroppedTelemetry"] is { IsInt64: true } t ? t.AsInt64 : 0);
    }

    /// <param name="lastSeq">Every seq up to it is in LiteDB or was removed before it got there.</param>
    /// <param name="dropped">Drop counts, indexed by (int)Lane.</param>
    public void WriteMeta(long lastSeq, long[] dropped) =>
        _db.GetCollection(MetaCollection).Upsert(new BsonDocument
        {
            ["_id"] = MetaId,
            ["LastSeq"] = lastSeq,
            ["SchemaVersion"] = SchemaVersion,
            ["DroppedEvents"] = dropped[(int)Lane.Event],
            ["DroppedTelemetry"] = dropped[(int)Lane.Telemetry],
        });

    /// <summary>Per lane (indexed by (int)Lane), the seq at or below which every document is removed (0: none).</summary>
    public long[] ReadRemovedUpTo()
    {
        var floors = _db.GetCollection(MetaCollection).FindById(RemovedUpToId);
        return [.. s_laneCollections.Select(name => floors?[name] is { IsInt64: true } floor ? floor.AsInt64 : 0)];
    }

    /// <summary>
    /// Records the lanes' removal floors in <c>meta</c> (its own document, so an older gateway's meta stays as it was;
    /// that gateway would only send the removed entries again). In the caller's transaction.
    /// </summary>
    public void WriteRemovedUpTo(long[] removedUpTo)
    {
        var floors = new BsonDocument { ["_id"] = RemovedUpToId };
        for (var i = 0; i < s_laneCollections.Length; i++)
        {
            floors[s_laneCollections[i]] = removedUpTo[i];
        }

        _db.GetCollection(MetaCollection).Upsert(floors);
    }

    /// <summary>
    /// Deletes the lane's documents at or below <paramref name="upTo"/>, a transaction per chunk (no open transaction
    /// on this thread): they are hidden below the lane's floor, so a crash part-way only leaves the rest for later.
    /// </summary>
    public void PurgeUpTo(Lane lane, long upTo)
    {
        var collection = LaneCollection(lane);
        var below = BsonExpression.Create("_id <= @0", new BsonValue(upTo));
        while (collection.Find(below, 0, PurgeChunk).Select(doc => doc["_id"]).ToList() is { Count: > 0 } chunk)
        {
            BeginTransaction();
            try
            {
                foreach (var id in chunk)
                {
                    collection.Delete(id);
                }

                Commit();
            }
            catch
            {
                RollbackQuietly();
                throw;
            }
        }
    }

    public void Insert(Lane lane, IEnumerable<JournalEntry> entries) =>
        LaneCollection(lane).InsertBulk(entries.Select(journalled => new BsonDocument
        {
            ["_id"] = journalled.Entry.Seq,
            ["EventId"] = journalled.Entry.EventId,
            ["TopicLeaf"] = journalled.Entry.TopicLeaf,
            ["Payload"] = journalled.Entry.Payload,
            ["At"] = journalled.AcceptedAtMs,
        }));

    public void BeginTransaction()
    {
        // Transactions are per thread in LiteDB; under the store's lock none can be open already.
        if (!_db.BeginTrans())
        {
            throw new InvalidOperationException("A LiteDB transaction was already open on this thread.");
        }
    }

    public void Commit() => _db.Commit();

    /// <summary>
    /// Rolls back this thread's open transaction after a failure, quietly: one left open would be finalized later on
    /// the GC's thread, and LiteDB's finalizer throws there (a process crash) once the engine is closed.
    /// </summary>
    public void RollbackQuietly()
    {
        try
        {
            _db.Rollback();
        }
        catch (Exception ex) when (ex is IOException or LiteException or ObjectDisposedException or InvalidOperationException)
        {
            // The engine is being closed for the failure anyway; the half-undone transaction must not reach the finalizer.
            OpenTransactions.KeepFromFinalizer(_db);
        }
    }

    /// <summary>
    /// Commit only queued the log pages for LiteDB's writer. Checkpoint waits for that writer and copies the
    /// log into the data file (the data stream syncs the log first, and LiteDB flushes the data before it
    /// truncates the log); the last flushes put both files, including the truncation, on the device.
    /// </summary>
    public void MakeDurable()
    {
        _db.Checkpoint();
        _data.Flush();
        _log.Flush();
    }

    /// <summary>
    /// Closes LiteDB; with <paramref name="flush"/>, whatever its close wrote (it may checkpoint) goes to the device.
    /// The files stay open until <see cref="CloseFiles"/>.
    /// </summary>
    public void CloseEngine(bool flush)
    {
        // The engine's close disposes what is open; one it cannot must not reach LiteDB's finalizer.
        OpenTransactions.KeepFromFinalizer(_db);
        _db.Dispose();
        if (flush)
        {
            _data.Flush();
            _log.Flush();
        }
    }

    public void CloseFiles()
    {
        _log.Dispose();
        _data.Dispose();
    }
}
