using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using EdgeGateway.Events;
using LiteDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// The outbox on LiteDB, made durable by hand: LiteDB 5.0.x does not fsync on commit, so LiteDB runs over
/// streams this class owns and every write ends with a checkpoint and an fsync of both files.
/// </summary>
/// <remarks>
/// All operations run under one lock. After a storage failure the database and its files are closed and
/// reopened on the next call, so a full or flaky disk does not leave a broken engine behind.
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

    private LiteDatabase? _db;
    private DiskFlushingStream? _dataStream;
    private DiskFlushingStream? _logStream;
    private bool _opened;
    private bool _faulted;
    private bool _disposed;
    private long _lastSeq;

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
    }

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
            var before = _lastSeq;
            try
            {
                BeginTransaction(db);
                var seq = ReadLastSeq(db);
                var entries = new List<OutboxEntry>(drafts.Count);
                foreach (var draft in drafts)
                {
                    seq++;
                    var entry = OutboxEntry.Create(draft, seq, _identity);
                    LaneCollection(db, entry.Lane).Insert(ToDocument(entry, draft.Timestamp));
                    entries.Add(entry);
                }

                var depth = (long[])_depth.Clone();
                foreach (var entry in entries)
                {
                    depth[(int)entry.Lane]++;
                }

                var dropped = EnforceLimits(db, depth, drafts.Max(d => d.Timestamp));
                WriteMeta(db, seq);
                db.Commit();
                MakeDurable(db);

                _lastSeq = seq;
                depth.CopyTo(_depth, 0);
                for (var i = 0; i < dropped.Length; i++)
                {
                    _dropped[i] += dropped[i];
                }

                if (dropped.Sum() > 0)
                {
                    Log.Dropped(_logger, dropped[(int)Lane.Telemetry], dropped[(int)Lane.Event], _limits.MaxEntries);
                }

                // Outside the transaction: the sidecar only needs to stay ahead of the seqs given out, and failing
                // to move it must not turn an append that is on disk into a reported failure.
                try
                {
                    _sidecar.Cover(seq);
                }
                catch (IOException ex)
                {
                    Log.SidecarFailed(_logger, ex);
                }

                return entries;
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

                    foreach (var doc in LaneCollection(db, lane).Find(Query.All(Query.Ascending), 0, remaining))
                    {
                        result.Add(FromDocument(doc, lane));
                    }
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
                // The lane is keyed by seq, and seqs are given out in acceptance order: the first entry is the oldest.
                var oldest = LaneCollection(db, lane).Find(Query.All(Query.Ascending), 0, 1).FirstOrDefault();
                return oldest is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(oldest["At"].AsInt64);
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
                BeginTransaction(db);
                var removed = new long[3];
                foreach (var entry in entries)
                {
                    if (!Enum.IsDefined(entry.Lane))
                    {
                        continue;
                    }

                    var collection = LaneCollection(db, entry.Lane);
                    var doc = collection.FindById(entry.Seq);

                    // Seq alone could match a different event if a failed append's seq was given out again.
                    if (doc is not null && doc["EventId"].AsString == entry.EventId && collection.Delete(entry.Seq))
                    {
                        removed[(int)entry.Lane]++;
                    }
                }

                if (removed.Sum() == 0)
                {
                    db.Rollback();
                    return;
                }

                // Not flushed here: the next append's checkpoint carries it to the device, and a removal lost to a
                // power cut only means the entry is sent again. This keeps a drain from paying an fsync per batch.
                db.Commit();
                for (var i = 0; i < removed.Length; i++)
                {
                    _depth[i] -= removed[i];
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
            CloseFiles(quiet: false);
        }
    }

    private static ILiteCollection<BsonDocument> LaneCollection(LiteDatabase db, Lane lane) =>
        db.GetCollection(s_laneCollections[(int)lane], BsonAutoId.Int64);

    private static BsonDocument ToDocument(OutboxEntry entry, DateTimeOffset acceptedAt) => new()
    {
        ["_id"] = entry.Seq,
        ["EventId"] = entry.EventId,
        ["TopicLeaf"] = entry.TopicLeaf,
        ["Payload"] = entry.Payload,
        ["At"] = acceptedAt.ToUnixTimeMilliseconds(),
    };

    /// <summary>
    /// Drops expired telemetry, then the oldest telemetry and the oldest events until the outbox fits
    /// <see cref="OutboxOptions.MaxEntries"/>. Alarms are never dropped. Runs inside the append's transaction.
    /// </summary>
    private long[] EnforceLimits(LiteDatabase db, long[] depth, DateTimeOffset now)
    {
        var dropped = new long[3];
        if (_limits.TelemetryTtlHours > 0 && depth[(int)Lane.Telemetry] > 0)
        {
            var cutoff = (now - TimeSpan.FromHours(_limits.TelemetryTtlHours)).ToUnixTimeMilliseconds();
            var telemetry = LaneCollection(db, Lane.Telemetry);
            // Telemetry is appended in time order, so the expired ones are at the start of the lane.
            var expired = telemetry.Find(Query.All(Query.Ascending)).TakeWhile(d => d["At"].AsInt64 < cutoff).Select(d => d["_id"].AsInt64).ToList();
            DropOldest(db, Lane.Telemetry, expired, depth, dropped);
        }

        foreach (var lane in (ReadOnlySpan<Lane>)[Lane.Telemetry, Lane.Event])
        {
            var excess = depth.Sum() - _limits.MaxEntries;
            if (excess <= 0)
            {
                break;
            }

            var oldest = LaneCollection(db, lane).Find(Query.All(Query.Ascending), 0, (int)Math.Min(excess, int.MaxValue)).Select(d => d["_id"].AsInt64).ToList();
            DropOldest(db, lane, oldest, depth, dropped);
        }

        return dropped;
    }

    private static void DropOldest(LiteDatabase db, Lane lane, List<long> seqs, long[] depth, long[] dropped)
    {
        if (seqs.Count == 0)
        {
            return;
        }

        var deleted = LaneCollection(db, lane).DeleteMany(BsonExpression.Create("_id <= @0", new BsonValue(seqs[^1])));
        depth[(int)lane] -= deleted;
        dropped[(int)lane] += deleted;
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

    private void WriteMeta(LiteDatabase db, long lastSeq) =>
        db.GetCollection(MetaCollection).Upsert(new BsonDocument
        {
            ["_id"] = MetaId,
            ["LastSeq"] = lastSeq,
            ["SchemaVersion"] = SchemaVersion,
            ["DroppedEvents"] = _dropped[(int)Lane.Event],
            ["DroppedTelemetry"] = _dropped[(int)Lane.Telemetry],
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
        WriteMeta(_db!, lastSeqBefore);
        _db!.Commit();
        MakeDurable(_db!);
        _lastSeq = lastSeqBefore;
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
            if (_rollbackAbove is long floor && _lastSeq > floor)
            {
                RollBackTo(_db!, floor);
            }

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

    private void RollBackTo(LiteDatabase db, long floor)
    {
        var last = _lastSeq;
        BeginTransaction(db);
        foreach (var lane in s_lanes)
        {
            LaneCollection(db, lane).DeleteMany(BsonExpression.Create("_id > @0", new BsonValue(floor)));
        }

        WriteMeta(db, floor);
        db.Commit();
        MakeDurable(db);
        LoadState(db);
        Log.RolledBackFailedAppend(_logger, floor + 1, last);
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
            _logStream?.Dispose();
            _dataStream?.Dispose();
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
}
