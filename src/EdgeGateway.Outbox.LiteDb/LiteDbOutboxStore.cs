using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using LiteDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// The outbox on LiteDB, made durable by hand. An append goes to a CRC-framed journal (<see cref="OutboxJournal"/>)
/// with one write and one fsync; journalled entries are moved into LiteDB in batches, each ending with a
/// checkpoint and an fsync of both LiteDB files (LiteDB 5.0.x does not fsync on commit, so it runs over streams
/// this class owns). Entries removed before their batch never reach LiteDB.
/// </summary>
/// <remarks>
/// All operations run under one lock. After a storage failure the database, the journal and their files are
/// closed and reopened on the next call, so a full or flaky disk does not leave a broken engine behind.
/// </remarks>
public sealed class LiteDbOutboxStore : IOutboxStore
{
    private const int SchemaVersion = 1;
    private const string MetaCollection = "meta";
    private const string MetaId = "outbox";

    // Indexed by (int)Lane; ReadPending walks them in this order.
    private static readonly string[] s_laneCollections = ["alarm", "event", "telemetry"];
    private static readonly Lane[] s_lanes = [Lane.Alarm, Lane.Event, Lane.Telemetry];

    private readonly Lock _lock = new();
    private readonly string _dataPath;
    private readonly string _logPath;
    private readonly GatewayIdentity _identity;
    private readonly ILogger _logger;
    private readonly Func<string, FileStream> _openFile;
    private readonly long[] _depth = new long[3];
    private readonly long[] _dropped = new long[3];
    private readonly OutboxOptions _limits;
    private readonly SeqSidecar _sidecar;
    private readonly string _journalPath;

    // Journalled entries not yet in LiteDB, per lane, by seq. All have higher seqs than the lane's LiteDB entries.
    private readonly SortedDictionary<long, JournalEntry>[] _journalled = [new(), new(), new()];

    // Drops recorded in the journal's frames (not yet in LiteDB's meta), per lane.
    private readonly long[] _journalDrops = new long[3];

    // LiteDB entries removed through the journal, per lane: hidden from reads, deleted by the next move.
    private readonly HashSet<long>[] _deleting = [[], [], []];

    private LiteDatabase? _db;
    private DiskFlushingStream? _dataStream;
    private DiskFlushingStream? _logStream;
    private OutboxJournal? _journal;
    private bool _opened;
    private bool _faulted;
    private bool _disposed;
    private long _lastSeq;

    // LastSeq in LiteDB's meta: every seq up to it was moved into LiteDB (or removed before it could be), so the
    // journal's replay skips them. The journal holds only seqs above it.
    private long _movedSeq;

    // Seq before an append that threw. If its transaction reached the disk anyway, the reopen removes it,
    // so a failed append stores nothing and its seqs are given to the caller's retry.
    private long? _rollbackAbove;

    public LiteDbOutboxStore(IOptions<LiteDbOutboxOptions> options, IOptions<OutboxOptions> limits, GatewayIdentity identity, ILogger<LiteDbOutboxStore> logger)
        : this(options.Value.FilePath, identity, logger, openFile: null, limits.Value)
    {
    }

    /// <param name="filePath">Data file path; the log file goes next to it.</param>
    /// <param name="identity">Stamped into every payload.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="openFile">Opens one file; defaults to <see cref="OpenExclusive"/>. Tests pass a counting or failing <see cref="FileStream"/>.</param>
    /// <param name="limits">Size limit and telemetry time-to-live; defaults to <see cref="OutboxOptions"/>' defaults.</param>
    public LiteDbOutboxStore(string filePath, GatewayIdentity identity, ILogger<LiteDbOutboxStore> logger, Func<string, FileStream>? openFile, OutboxOptions? limits = null)
    {
        _limits = limits ?? new OutboxOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        _dataPath = Path.GetFullPath(filePath);
        _logPath = LogPathFor(_dataPath);
        _identity = identity;
        _logger = logger;
        _openFile = openFile ?? OpenExclusive;
        _sidecar = new SeqSidecar(_dataPath + ".seq");
        _journalPath = OutboxJournal.PathFor(_dataPath);
    }

    /// <summary>Journalled entries that trigger a move into LiteDB at the next append.</summary>
    internal int MoveAfterEntries { get; init; } = 1000;

    /// <summary>Journal size that triggers a move into LiteDB at the next append (removes grow it too).</summary>
    internal long MoveAfterBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// LiteDB entries removed through the journal that trigger a move at the next append or remove. A move costs
    /// four fsyncs however much it moves (tens of ms on an SD card) and stalls the forwarder, while reads only skip
    /// the removed entries (microseconds each) until the move deletes them.
    /// </summary>
    internal int MoveAfterDeletes { get; init; } = 1024;

    public OutboxDrops Dropped
    {
        get
        {
            lock (_lock)
            {
                return new OutboxDrops(_dropped[(int)Lane.Event], _dropped[(int)Lane.Telemetry]);
            }
        }
    }

    public OutboxRecovery? Recovery { get; private set; }

    /// <summary>The data file.</summary>
    public string DataPath => _dataPath;

    /// <summary>The LiteDB log file next to the data file (<c>outbox-log.db</c> for <c>outbox.db</c>).</summary>
    public string LogPath => _logPath;

    /// <summary>The journal next to the data file (<c>outbox.db.journal</c>).</summary>
    public string JournalPath => _journalPath;

    public OutboxDepth Depth
    {
        get
        {
            lock (_lock)
            {
                return new OutboxDepth(_depth[0], _depth[1], _depth[2]);
            }
        }
    }

    public long LastSeq
    {
        get
        {
            lock (_lock)
            {
                return _lastSeq;
            }
        }
    }

    /// <summary>Log file path LiteDB would use for <paramref name="dataPath"/>.</summary>
    public static string LogPathFor(string dataPath) =>
        Path.Combine(
            Path.GetDirectoryName(dataPath) ?? "",
            Path.GetFileNameWithoutExtension(dataPath) + "-log" + Path.GetExtension(dataPath));

    /// <summary>
    /// Opens a file for this process only: FileShare.None takes an exclusive lock, so a second gateway
    /// (or a tool) cannot open the outbox while the service runs. Unbuffered, so write errors surface at once.
    /// </summary>
    public static FileStream OpenExclusive(string path) =>
        new(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.None);

    public void Open()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_opened)
            {
                return;
            }

            var directory = Path.GetDirectoryName(_dataPath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            try
            {
                OpenFiles();
            }
            catch (Exception ex) when (ex is not (IOException or UnauthorizedAccessException or NotSupportedException))
            {
                StartFreshAfterCorruption(ex);
            }

            try
            {
                OpenJournal(rollBackAbove: null);

                // After a fresh start the journal's entries are all that is left: put them in LiteDB at once,
                // before its meta (which continues past the sidecar's mark) makes the next replay skip them.
                if (Recovery is not null)
                {
                    MoveToDatabase(_db!);
                }
            }
            catch
            {
                CloseFiles(quiet: true);
                throw;
            }

            _sidecar.Cover(_lastSeq);
            _opened = true;
            Log.Opened(_logger, _dataPath, _depth[0], _depth[1], _depth[2], _lastSeq);
        }
    }

    public IReadOnlyList<OutboxEntry> Append(IReadOnlyList<EventDraft> drafts)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        if (drafts.Count == 0)
        {
            return [];
        }

        lock (_lock)
        {
            var db = Usable();
            try
            {
                MoveToDatabaseIfDue(db);
            }
            catch (Exception ex)
            {
                // Nothing of this append was written: the caller's retry is a plain append.
                Fail(ex);
            }

            var before = _lastSeq;
            try
            {
                var seq = _lastSeq;
                var accepted = new List<JournalEntry>(drafts.Count);
                var depth = (long[])_depth.Clone();
                foreach (var draft in drafts)
                {
                    seq++;
                    var entry = OutboxEntry.Create(draft, seq, _identity);
                    accepted.Add(new JournalEntry(entry, draft.Timestamp.ToUnixTimeMilliseconds()));
                    depth[(int)entry.Lane]++;
                }

                var drops = PlanDrops(db, depth, drafts.Max(d => d.Timestamp), accepted);
                DropFromDatabase(db, drops);

                // The one write and fsync that makes the append durable; the drops of journalled entries ride along.
                _journal!.Write(new JournalFrame(accepted, drops.FromJournal, []), durable: true);

                _lastSeq = seq;
                depth.CopyTo(_depth, 0);
                foreach (var journalled in accepted)
                {
                    _journalled[(int)journalled.Entry.Lane].Add(journalled.Entry.Seq, journalled);
                }

                foreach (var dropped in drops.FromJournal)
                {
                    var lane = TakeJournalled(dropped)!.Value.Entry.Lane;
                    _journalDrops[(int)lane]++;
                }

                for (var i = 0; i < drops.Count.Length; i++)
                {
                    _dropped[i] += drops.Count[i];
                }

                if (drops.Count.Sum() > 0)
                {
                    Log.Dropped(_logger, drops.Count[(int)Lane.Telemetry], drops.Count[(int)Lane.Event], _limits.MaxEntries);
                }

                // Outside the write: the sidecar only needs to stay ahead of the seqs given out, and failing
                // to move it must not turn an append that is on disk into a reported failure.
                try
                {
                    _sidecar.Cover(seq);
                }
                catch (IOException ex)
                {
                    Log.SidecarFailed(_logger, ex);
                }

                return accepted.ConvertAll(j => j.Entry);
            }
            catch (Exception ex)
            {
                _rollbackAbove = before;
                Fail(ex);
                throw;
            }
        }
    }

    public IReadOnlyList<OutboxEntry> ReadPending(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
        {
            return [];
        }

        lock (_lock)
        {
            var db = Usable();
            try
            {
                var result = new List<OutboxEntry>(Math.Min(max, 256));
                foreach (var lane in s_lanes)
                {
                    var remaining = max - result.Count;
                    if (remaining == 0)
                    {
                        break;
                    }

                    var deleting = _deleting[(int)lane];
                    var stored = deleting.Count == 0
                        ? LaneCollection(db, lane).Find(Query.All(Query.Ascending), 0, remaining)
                        : LaneCollection(db, lane).Find(Query.All(Query.Ascending)).Where(d => !deleting.Contains(d["_id"].AsInt64)).Take(remaining);
                    foreach (var doc in stored)
                    {
                        result.Add(FromDocument(doc, lane));
                    }

                    result.AddRange(_journalled[(int)lane].Values.Take(max - result.Count).Select(j => j.Entry));
                }

                return result;
            }
            catch (Exception ex)
            {
                Fail(ex);
                throw;
            }
        }
    }

    public DateTimeOffset? OldestTimestamp(Lane lane)
    {
        if (!Enum.IsDefined(lane))
        {
            throw new ArgumentOutOfRangeException(nameof(lane), lane, "Not an outbox lane.");
        }

        lock (_lock)
        {
            var db = Usable();
            try
            {
                // Lanes are keyed by seq, given out in acceptance order; LiteDB holds older entries than the journal.
                // Entries removed but not yet deleted by the next move are skipped.
                var deleting = _deleting[(int)lane];
                var oldest = LaneCollection(db, lane).Find(Query.All(Query.Ascending))
                    .FirstOrDefault(d => !deleting.Contains(d["_id"].AsInt64));
                var journalled = _journalled[(int)lane];
                var oldestMs = oldest?["At"].AsInt64 ?? (journalled.Count > 0 ? journalled.Values.First().AcceptedAtMs : null);
                return oldestMs is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
            }
            catch (Exception ex)
            {
                Fail(ex);
                throw;
            }
        }
    }

    public void Remove(IReadOnlyCollection<OutboxEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            var db = Usable();
            try
            {
                MoveToDatabaseIfDue(db);
                var removed = new List<JournalKey>();
                var seen = new HashSet<long>();
                foreach (var entry in entries)
                {
                    if (Enum.IsDefined(entry.Lane) && seen.Add(entry.Seq) && IsStored(db, entry))
                    {
                        removed.Add(new JournalKey(entry.Seq, entry.Lane));
                    }
                }

                if (removed.Count == 0)
                {
                    return;
                }

                // Not flushed: the next append's fsync carries it to the device, and a removal lost to a power cut
                // only means the entry is sent again. Entries already in LiteDB are deleted by the next move, in one
                // transaction with the others, so a drain does not pay a LiteDB commit per batch.
                _journal!.Write(new JournalFrame([], [], removed), durable: false);
                foreach (var key in removed)
                {
                    if (TakeJournalled(key.Seq) is null)
                    {
                        _deleting[(int)key.Lane].Add(key.Seq);
                    }

                    _depth[(int)key.Lane]--;
                }
            }
            catch (Exception ex)
            {
                Fail(ex);
                throw;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_db is not null)
            {
                // A clean stop leaves the journal empty. If the move fails, the journal is replayed at the next open.
                try
                {
                    MoveToDatabase(_db);
                }
                catch (Exception ex)
                {
                    Log.CloseFailed(_logger, _dataPath, ex);
                    CloseFiles(quiet: true);
                    return;
                }
            }

            CloseFiles(quiet: false);
        }
    }

    private static ILiteCollection<BsonDocument> LaneCollection(LiteDatabase db, Lane lane) =>
        db.GetCollection(s_laneCollections[(int)lane], BsonAutoId.Int64);

    private static BsonDocument ToDocument(JournalEntry journalled) => new()
    {
        ["_id"] = journalled.Entry.Seq,
        ["EventId"] = journalled.Entry.EventId,
        ["TopicLeaf"] = journalled.Entry.TopicLeaf,
        ["Payload"] = journalled.Entry.Payload,
        ["At"] = journalled.AcceptedAtMs,
    };

    /// <summary>Moves the journal into LiteDB when it holds enough entries or bytes.</summary>
    private void MoveToDatabaseIfDue(LiteDatabase db)
    {
        if (_journalled.Sum(lane => lane.Count) >= MoveAfterEntries || _deleting.Sum(lane => lane.Count) >= MoveAfterDeletes || _journal!.Length >= MoveAfterBytes)
        {
            MoveToDatabase(db);
        }
    }

    /// <summary>
    /// One LiteDB transaction deletes the entries removed through the journal, inserts every journalled entry and moves <c>LastSeq</c> and the drop counts into
    /// meta; a checkpoint puts it on the device; then the journal is emptied. A crash between the two leaves a
    /// journal whose seqs are all at or below meta's <c>LastSeq</c>, which the replay skips.
    /// </summary>
    private void MoveToDatabase(LiteDatabase db)
    {
        if (_journal!.Length == 0 && _movedSeq == _lastSeq)
        {
            return;
        }

        BeginTransaction(db);
        foreach (var lane in s_lanes)
        {
            var collection = LaneCollection(db, lane);
            foreach (var seq in _deleting[(int)lane])
            {
                collection.Delete(seq);
            }

            var journalled = _journalled[(int)lane];
            if (journalled.Count > 0)
            {
                collection.InsertBulk(journalled.Values.Select(ToDocument));
            }
        }

        WriteMeta(db, _lastSeq, _dropped);
        db.Commit();
        MakeDurable(db);
        _movedSeq = _lastSeq;
        foreach (var lane in s_lanes)
        {
            _journalled[(int)lane].Clear();
            _deleting[(int)lane].Clear();
        }

        Array.Clear(_journalDrops);
        _journal.Truncate(0);
    }

    /// <summary>Takes a journalled entry out of its lane; null if no lane has it.</summary>
    private JournalEntry? TakeJournalled(long seq)
    {
        foreach (var lane in _journalled)
        {
            if (lane.Remove(seq, out var journalled))
            {
                return journalled;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the outbox holds this very entry (journalled or in LiteDB, and not removed already). Seq alone could
    /// match a different event if a failed append's seq was given out again, so the event id must match too.
    /// </summary>
    private bool IsStored(LiteDatabase db, OutboxEntry entry)
    {
        if (_journalled[(int)entry.Lane].TryGetValue(entry.Seq, out var journalled))
        {
            return journalled.Entry.EventId == entry.EventId;
        }

        return !_deleting[(int)entry.Lane].Contains(entry.Seq)
            && LaneCollection(db, entry.Lane).FindById(entry.Seq) is { } doc
            && doc["EventId"].AsString == entry.EventId;
    }

    /// <summary>
    /// Chooses what to drop by <see cref="OutboxDropPolicy"/> and takes it off <paramref name="depth"/>. Candidates are
    /// listed oldest first: LiteDB's entries, then the journalled ones, then the ones being appended.
    /// </summary>
    private DropPlan PlanDrops(LiteDatabase db, long[] depth, DateTimeOffset now, List<JournalEntry> accepted)
    {
        var plan = new DropPlan();
        var chosen = OutboxDropPolicy.Choose(
            _limits,
            new OutboxDepth(depth[(int)Lane.Alarm], depth[(int)Lane.Event], depth[(int)Lane.Telemetry]),
            now,
            lane => OldestFirst(db, lane, accepted),
            candidate => candidate.AcceptedAtMs);
        foreach (var (lane, candidate) in chosen)
        {
            plan.Add(lane, candidate);
            depth[(int)lane]--;
        }

        return plan;
    }

    private IEnumerable<DropCandidate> OldestFirst(LiteDatabase db, Lane lane, List<JournalEntry> accepted)
    {
        foreach (var doc in LaneCollection(db, lane).Find(Query.All(Query.Ascending)))
        {
            if (!_deleting[(int)lane].Contains(doc["_id"].AsInt64))
            {
                yield return new DropCandidate(doc["_id"].AsInt64, doc["At"].AsInt64, InDatabase: true);
            }
        }

        foreach (var journalled in _journalled[(int)lane].Values.Concat(accepted.Where(a => a.Entry.Lane == lane)))
        {
            yield return new DropCandidate(journalled.Entry.Seq, journalled.AcceptedAtMs, InDatabase: false);
        }
    }

    /// <summary>
    /// Deletes the chosen LiteDB entries before the append's journal write, without a checkpoint: if that write
    /// then fails, the entries stay dropped (the outbox was full) and the append stores nothing.
    /// </summary>
    private void DropFromDatabase(LiteDatabase db, DropPlan plan)
    {
        if (plan.FromDatabaseUpTo.All(upTo => upTo is null))
        {
            return;
        }

        BeginTransaction(db);
        foreach (var lane in s_lanes)
        {
            if (plan.FromDatabaseUpTo[(int)lane] is long upTo)
            {
                // Removed entries in that range go too; they are no longer the next move's to delete.
                LaneCollection(db, lane).DeleteMany(BsonExpression.Create("_id <= @0", new BsonValue(upTo)));
                _deleting[(int)lane].RemoveWhere(seq => seq <= upTo);
            }
        }

        var dropped = new long[3];
        for (var i = 0; i < dropped.Length; i++)
        {
            dropped[i] = _dropped[i] - _journalDrops[i] + plan.FromDatabaseCount[i];
        }

        WriteMeta(db, _movedSeq, dropped);
        db.Commit();
    }

    private static OutboxEntry FromDocument(BsonDocument doc, Lane lane) => new(
        doc["_id"].AsInt64,
        doc["EventId"].AsString,
        lane,
        doc["TopicLeaf"].AsString,
        doc["Payload"].AsBinary);

    private static long ReadLastSeq(LiteDatabase db)
    {
        var meta = db.GetCollection(MetaCollection).FindById(MetaId);
        return meta is null ? 0 : meta["LastSeq"].AsInt64;
    }

    private static void WriteMeta(LiteDatabase db, long lastSeq, long[] dropped) =>
        db.GetCollection(MetaCollection).Upsert(new BsonDocument
        {
            ["_id"] = MetaId,
            ["LastSeq"] = lastSeq,
            ["SchemaVersion"] = SchemaVersion,
            ["DroppedEvents"] = dropped[(int)Lane.Event],
            ["DroppedTelemetry"] = dropped[(int)Lane.Telemetry],
        });

    /// <summary>
    /// The data file could not be opened as a LiteDB outbox: keep it (and its log) for inspection under a
    /// timestamped name and start an empty store whose seq continues past anything given out before.
    /// </summary>
    private void StartFreshAfterCorruption(Exception reason)
    {
        var stamp = DateTime.SpecifyKind(File.GetLastWriteTimeUtc(_dataPath), DateTimeKind.Utc).ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var aside = $"{_dataPath}.corrupt-{stamp}-{Guid.NewGuid().ToString("N")[..8]}";
        File.Move(_dataPath, aside);
        if (File.Exists(_logPath))
        {
            File.Move(_logPath, aside + "-log");
        }

        var lastSeqBefore = _sidecar.Read();
        OpenFilesOnce();
        BeginTransaction(_db!);
        WriteMeta(_db!, lastSeqBefore, new long[3]);
        _db!.Commit();
        MakeDurable(_db!);
        _lastSeq = lastSeqBefore;

        // The journal still holds entries newer than the lost file's last move: replay all of them.
        _movedSeq = 0;
        Recovery = new OutboxRecovery(aside, lastSeqBefore, reason.Message);
        Log.StartedFresh(_logger, _dataPath, aside, lastSeqBefore, reason);
    }

    private static void BeginTransaction(LiteDatabase db)
    {
        // Transactions are per thread in LiteDB; under our lock none can be open already.
        if (!db.BeginTrans())
        {
            throw new InvalidOperationException("A LiteDB transaction was already open on this thread.");
        }
    }

    /// <summary>
    /// Commit only queued the log pages for LiteDB's writer. Checkpoint waits for that writer and copies the
    /// log into the data file (the data stream syncs the log first, and LiteDB flushes the data before it
    /// truncates the log); the last flushes put both files, including the truncation, on the device.
    /// </summary>
    private void MakeDurable(LiteDatabase db)
    {
        db.Checkpoint();
        _dataStream!.Flush();
        _logStream!.Flush();
    }

    private LiteDatabase Usable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_opened)
        {
            throw new InvalidOperationException("The outbox is not open; call Open() first.");
        }

        if (!_faulted)
        {
            return _db!;
        }

        try
        {
            OpenFiles();
            OpenJournal(_rollbackAbove);
            _rollbackAbove = null;
            _faulted = false;
            Log.Reopened(_logger, _dataPath, _lastSeq);
            return _db!;
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
    }

    /// <summary>
    /// Opens the journal and replays it on top of LiteDB's state. A frame holding a seq above
    /// <paramref name="rollBackAbove"/> is an append that reported failure: it and anything after it are cut off,
    /// so its seqs go to the caller's retry. Bytes after the last intact frame (torn by a crash before their
    /// fsync returned) are copied aside for inspection and cut off.
    /// </summary>
    private void OpenJournal(long? rollBackAbove)
    {
        _journal = new OutboxJournal(OpenFile(_journalPath));
        foreach (var lane in s_lanes)
        {
            _journalled[(int)lane].Clear();
            _deleting[(int)lane].Clear();
        }

        Array.Clear(_journalDrops);
        var contents = _journal.ReadAll();
        foreach (var record in contents.Records)
        {
            if (rollBackAbove is long floor && record.Frame.Appended.Any(a => a.Entry.Seq > floor))
            {
                _journal.Truncate(record.Offset);
                Log.RolledBackFailedAppend(_logger, floor + 1, record.Frame.Appended[^1].Entry.Seq);
                return;
            }

            Replay(record.Frame);
        }

        if (contents.TornAt is long tornAt)
        {
            var torn = _journal.Length - tornAt;

            // After a failed append the tail is that append's partial frame, which is not worth keeping.
            if (rollBackAbove is null)
            {
                var aside = $"{_journalPath}.torn-{Guid.NewGuid():N}";
                _journal.CopyTail(tornAt, aside);
                Log.JournalTailSetAside(_logger, _journalPath, torn, tornAt, aside);
            }

            _journal.Truncate(tornAt);
        }
    }

    /// <summary>Applies one journal frame to the in-memory state; seqs already moved into LiteDB are skipped.</summary>
    private void Replay(JournalFrame frame)
    {
        foreach (var journalled in frame.Appended)
        {
            var seq = journalled.Entry.Seq;
            if (seq > _movedSeq && Enum.IsDefined(journalled.Entry.Lane) && _journalled[(int)journalled.Entry.Lane].TryAdd(seq, journalled))
            {
                _depth[(int)journalled.Entry.Lane]++;
                _lastSeq = Math.Max(_lastSeq, seq);
            }
        }

        foreach (var seq in frame.Dropped)
        {
            if (seq > _movedSeq && TakeJournalled(seq) is { } dropped)
            {
                _depth[(int)dropped.Entry.Lane]--;
                _dropped[(int)dropped.Entry.Lane]++;
                _journalDrops[(int)dropped.Entry.Lane]++;
            }
        }

        foreach (var (seq, lane) in frame.Removed)
        {
            if (!Enum.IsDefined(lane))
            {
                continue;
            }

            // A LiteDB entry counts only if it is still there: after a crash between a move and the journal cut,
            // the move already deleted it.
            if (TakeJournalled(seq) is not null
                || (!_deleting[(int)lane].Contains(seq) && LaneCollection(_db!, lane).FindById(seq) is not null && _deleting[(int)lane].Add(seq)))
            {
                _depth[(int)lane]--;
            }
        }
    }

    private void OpenFiles()
    {
        try
        {
            OpenFilesOnce();
        }
        catch (Exception ex) when (ex is not (IOException or UnauthorizedAccessException or NotSupportedException)
            && new FileInfo(_logPath) is { Exists: true, Length: > 0 })
        {
            // Every acknowledged append was checkpointed into the data file before it returned, and the log is
            // synced before any checkpoint touches the data file. So a log LiteDB cannot read holds only a
            // transaction that was torn by a crash and never acknowledged: keep it for inspection, open without it.
            // (LiteDB 5.0.21 does not check page CRCs here; garbage surfaces as any exception from the replay.)
            // Disk errors are not a bad log: they are thrown, and the log is kept.
            var aside = $"{_logPath}.corrupt-{Guid.NewGuid():N}";
            File.Move(_logPath, aside);
            Log.LogSetAside(_logger, _logPath, aside, ex);
            OpenFilesOnce();
        }
    }

    private void OpenFilesOnce()
    {
        FileStream? dataFile = null;
        FileStream? logFile = null;
        LiteDatabase? db = null;
        try
        {
            dataFile = OpenFile(_dataPath);
            logFile = OpenFile(_logPath);
            var log = new DiskFlushingStream(logFile);
            var data = new DiskFlushingStream(dataFile, writeAhead: log);
            db = new LiteDatabase(data, new BsonMapper(), log);

            // A log left by a crash is folded in now, so from here on the data file alone holds the state.
            db.Checkpoint();
            data.Flush();
            log.Flush();

            var meta = db.GetCollection(MetaCollection).FindById(MetaId);
            if (meta is not null && meta["SchemaVersion"].AsInt32 > SchemaVersion)
            {
                // Not corruption: a newer gateway wrote it. Refuse rather than set the data aside.
                throw new NotSupportedException(
                    $"Outbox '{_dataPath}' has schema version {meta["SchemaVersion"].AsInt32}; this gateway knows {SchemaVersion}.");
            }

            LoadState(db);
            _db = db;
            _dataStream = data;
            _logStream = log;
        }
        catch
        {
            TryDispose(db);
            logFile?.Dispose();
            dataFile?.Dispose();
            throw;
        }
    }

    private void LoadState(LiteDatabase db)
    {
        _lastSeq = ReadLastSeq(db);
        _movedSeq = _lastSeq;
        var meta = db.GetCollection(MetaCollection).FindById(MetaId);
        _dropped[(int)Lane.Event] = meta?["DroppedEvents"] is { IsInt64: true } e ? e.AsInt64 : 0;
        _dropped[(int)Lane.Telemetry] = meta?["DroppedTelemetry"] is { IsInt64: true } t ? t.AsInt64 : 0;
        foreach (var lane in s_lanes)
        {
            _depth[(int)lane] = LaneCollection(db, lane).LongCount();
        }
    }

    private FileStream OpenFile(string path)
    {
        try
        {
            return _openFile(path);
        }
        catch (IOException ex)
        {
            throw new IOException(
                $"Cannot open outbox file '{path}': {ex.Message} Is another gateway process using the outbox?", ex);
        }
    }

    /// <summary>Closes everything after a failure and throws an IOException, which callers treat as "retry".</summary>
    [DoesNotReturn]
    private void Fail(Exception ex)
    {
        Log.StorageFailed(_logger, _dataPath, ex);
        _faulted = true;
        CloseFiles(quiet: true);
        if (ex is IOException)
        {
            ExceptionDispatchInfo.Throw(ex);
        }

        throw new IOException($"Outbox '{_dataPath}' storage failed: {ex.Message}", ex);
    }

    private void CloseFiles(bool quiet)
    {
        var db = _db;
        _db = null;
        try
        {
            db?.Dispose();

            // LiteDB's close may checkpoint; whatever it wrote goes to the device before the files close.
            if (!quiet)
            {
                _dataStream?.Flush();
                _logStream?.Flush();
            }
        }
        catch (Exception ex) when (quiet)
        {
            Log.CloseFailed(_logger, _dataPath, ex);
        }
        finally
        {
            _journal?.Dispose();
            _logStream?.Dispose();
            _dataStream?.Dispose();
            _journal = null;
            _logStream = null;
            _dataStream = null;
        }
    }

    private void TryDispose(LiteDatabase? db)
    {
        try
        {
            db?.Dispose();
        }
        catch (Exception ex)
        {
            Log.CloseFailed(_logger, _dataPath, ex);
        }
    }

    private readonly record struct DropCandidate(long Seq, long AcceptedAtMs, bool InDatabase);

    /// <summary>What an append drops: a prefix of each LiteDB lane, and journalled (or just accepted) entries by seq.</summary>
    private sealed class DropPlan
    {
        public long?[] FromDatabaseUpTo { get; } = new long?[3];

        public long[] FromDatabaseCount { get; } = new long[3];

        public List<long> FromJournal { get; } = [];

        public long[] Count { get; } = new long[3];

        public void Add(Lane lane, DropCandidate candidate)
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
    }
}
