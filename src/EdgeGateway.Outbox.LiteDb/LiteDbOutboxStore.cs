using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// The outbox on LiteDB, made durable by hand. An append goes to a CRC-framed journal (<see cref="OutboxJournal"/>)
/// with one write and one fsync; journalled entries are moved into LiteDB in batches (<see cref="JournalMover"/>),
/// each ending with a checkpoint and an fsync of both LiteDB files (<see cref="OutboxDatabase"/>), in the background
/// on a generation of the journal cut off for it. Entries removed before their batch never reach LiteDB.
/// </summary>
/// <remarks>
/// All operations run under one lock; a background move holds it only to start and to end. What else writes LiteDB
/// (drops when full, setting aside, restoring, closing) lets a running move end first. After a storage failure the
/// database, the journal and their files are closed and reopened on the next call (<see cref="OutboxFiles"/>).
/// </remarks>
public sealed class LiteDbOutboxStore : IOutboxStore
{
    private readonly Lock _lock = new();
    private readonly GatewayIdentity _identity;
    private readonly ILogger _logger;
    private readonly OutboxOptions _limits;
    private readonly SeqSidecar _sidecar;
    private readonly SeqReservation _reservation;
    private readonly OutboxLanes _lanes = new();
    private readonly OutboxFiles _files;
    private readonly JournalMover _mover = new();
    private bool _disposed;

    public LiteDbOutboxStore(IOptions<LiteDbOutboxOptions> options, IOptions<OutboxOptions> limits, GatewayIdentity identity, ILogger<LiteDbOutboxStore> logger)
        : this(options.Value.FilePath, identity, logger, openFile: null, limits.Value)
    {
    }

    /// <param name="filePath">Data file path; the log file goes next to it.</param>
    /// <param name="identity">Stamped into every payload.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="openFile">Opens one file; defaults to <see cref="OpenExclusive"/>. Tests pass a counting or failing <see cref="FileStream"/>.</param>
    /// <param name="limits">Size limit and telemetry time-to-live; defaults to <see cref="OutboxOptions"/>' defaults.</param>
    /// <param name="time">The clock for the seq floor when both seq records are lost; defaults to the system clock.</param>
    public LiteDbOutboxStore(string filePath, GatewayIdentity identity, ILogger<LiteDbOutboxStore> logger, Func<string, FileStream>? openFile, OutboxOptions? limits = null, TimeProvider? time = null)
    {
        _limits = limits ?? new OutboxOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        DataPath = Path.GetFullPath(filePath);
        LogPath = LogPathFor(DataPath);
        JournalPath = OutboxJournal.PathFor(DataPath);
        _identity = identity;
        _logger = logger;
        _sidecar = new SeqSidecar(DataPath + ".seq");
        _reservation = new SeqReservation(DataPath + ".held");
        _files = new OutboxFiles(DataPath, LogPath, JournalPath, openFile ?? OpenExclusive, _lanes, _sidecar, _mover, _lock, time ?? TimeProvider.System, logger);
    }

    /// <summary>Journalled entries that trigger a move into LiteDB at the next append.</summary>
    internal int MoveAfterEntries { get => _mover.AfterEntries; init => _mover.AfterEntries = value; }

    /// <summary>Journal size that triggers a move into LiteDB at the next append (removes grow it too).</summary>
    internal long MoveAfterBytes { get => _mover.AfterBytes; init => _mover.AfterBytes = value; }

    /// <summary>LiteDB entries removed through the journal that trigger a move at the next append or remove.</summary>
    internal int MoveAfterDeletes { get => _mover.AfterDeletes; init => _mover.AfterDeletes = value; }

    /// <summary>Removed documents below the floors that a background move purges before the outbox has drained.</summary>
    internal long PurgeAfter { get => _mover.PurgeAfter; init => _mover.PurgeAfter = value; }

    /// <summary>Waits until the background move requested last has ended (tests that look at LiteDB's files).</summary>
    internal void WaitForBackgroundMove() => _mover.Background?.Wait();

    public OutboxDrops Dropped
    {
        get
        {
            lock (_lock)
            {
                return new OutboxDrops(_lanes.Dropped[(int)Lane.Event], _lanes.Dropped[(int)Lane.Telemetry]);
            }
        }
    }

    public OutboxRecovery? Recovery => _files.Recovery;

    public long SetAsideCount
    {
        get
        {
            lock (_lock)
            {
                return _lanes.SetAsideCount;
            }
        }
    }

    /// <summary>The data file.</summary>
    public string DataPath { get; }

    /// <summary>The LiteDB log file next to the data file (<c>outbox-log.db</c> for <c>outbox.db</c>).</summary>
    public string LogPath { get; }

    /// <summary>The journal next to the data file (<c>outbox.db.journal</c>).</summary>
    public string JournalPath { get; }

    public OutboxDepth Depth
    {
        get
        {
            lock (_lock)
            {
                return new OutboxDepth(_lanes.Depth[0], _lanes.Depth[1], _lanes.Depth[2]);
            }
        }
    }

    public long LastSeq
    {
        get
        {
            lock (_lock)
            {
                return _lanes.LastSeq;
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
            _files.Open();

            // Allocated while the disk has room, so a full disk takes the writer's reservations later.
            try
            {
                _reservation.Prepare();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.ReservationFailed(_logger, ex);
            }
        }
    }

    /// <summary>In place in a file allocated at open, so a full disk can take it; not under the store's lock, so a stalled append cannot hold it.</summary>
    public void ReserveSeq(long seq) => _reservation.Write(seq);

    /// <summary>Read from its file, whether or not the store is open.</summary>
    public long ReservedSeq => _reservation.Read();

    // Handed on outside the store's lock: what takes the entries does not hold up the next store call.
    public IReadOnlyList<OutboxEntry> Append(IReadOnlyList<NumberedDraft> drafts, Action<IReadOnlyList<OutboxEntry>>? durable = null) =>
        AppendDurably(drafts).HandOn(durable);

    private IReadOnlyList<OutboxEntry> AppendDurably(IReadOnlyList<NumberedDraft> drafts)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        if (drafts.Count == 0)
        {
            return [];
        }

        lock (_lock)
        {
            var database = Usable();
            var before = _lanes.LastSeq;
            try
            {
                var entries = new List<OutboxEntry>(drafts.Count);
                var accepted = new List<JournalEntry>(drafts.Count);
                var depth = (long[])_lanes.Depth.Clone();
                foreach (var (seq, draft) in drafts)
                {
                    var entry = OutboxEntry.Create(draft, seq, _identity);
                    entries.Add(entry);

                    // Stored already by an append that overran the caller's deadline and landed later.
                    if (seq > before || !_lanes.Holds(database, entry))
                    {
                        accepted.Add(new JournalEntry(entry, draft.Timestamp.ToUnixTimeMilliseconds()));
                        depth[(int)entry.Lane]++;
                    }
                }

                if (accepted.Count == 0)
                {
                    return entries;
                }

                var drops = DropPlan.ChooseBesideMove(_limits, _files, _lanes, depth, drafts.Max(d => d.Draft.Timestamp), accepted);
                drops.DeleteFromDatabase(Usable(), _lanes);

                // The one write and fsync that makes the append durable; the drops of journalled entries ride along.
                _files.Journal!.Write(new JournalFrame(accepted, drops.FromJournal, []), durable: true);
                _files.AppendSucceeded();
                _lanes.Accept(accepted, depth, drops);
                if (drops.Count.Sum() > 0)
                {
                    Log.Dropped(_logger, drops.Count[(int)Lane.Telemetry], drops.Count[(int)Lane.Event], _limits.MaxEntries);
                }

                // Outside the write: the sidecar only needs to stay ahead of the seqs given out, and failing
                // to move it must not turn an append that is on disk into a reported failure.
                try
                {
                    _sidecar.Cover(_lanes.LastSeq);
                }
                catch (IOException ex)
                {
                    Log.SidecarFailed(_logger, ex);
                }

                _files.RequestMoveIfDue();
                return entries;
            }
            catch (Exception ex)
            {
                _files.FailAppend(ex, lastSeqBefore: before);
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
            var database = Usable();
            try
            {
                var read = _lanes.ReadPending(database, max);
                if (_lanes.TakeSkipped() is { Count: > 0 } skipped)
                {
                    foreach (var document in skipped)
                    {
                        Log.DocumentSkipped(_logger, DataPath, document);
                    }

                    _files.Report(new OutboxRecovery(DataPath, _lanes.LastSeq, $"{skipped.Count} unreadable documents skipped: {string.Join("; ", skipped.Take(10))}"));
                }

                return read;
            }
            catch (Exception ex)
            {
                _files.Fail(ex);
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
            var database = Usable();
            try
            {
                return _lanes.OldestTimestamp(database, lane);
            }
            catch (Exception ex)
            {
                _files.Fail(ex);
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
            var database = Usable();
            try
            {
                var removed = _lanes.StoredOf(database, entries);
                if (removed.Count == 0)
                {
                    return;
                }

                // Not flushed: the next append's fsync carries it to the device, and a removal lost to a power cut
                // only means the entry is sent again. Entries already in LiteDB are deleted by the next move, in one
                // transaction with the others, so a drain does not pay a LiteDB commit per batch.
                _files.Journal!.Write(new JournalFrame([], [], removed), durable: false);
                _lanes.Remove(removed);
                _files.RequestMoveIfDue();
            }
            catch (Exception ex)
            {
                _files.Fail(ex);
                throw;
            }
        }
    }

    public IReadOnlyList<OutboxEntry> SetAside(IReadOnlyCollection<OutboxEntry> entries, string reason)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(reason);
        return Guarded(database => entries.Count == 0 ? [] : SetAsideShelf.SetAside(database, _files.Journal!, _lanes, entries, reason), settleMove: true);
    }

    public IReadOnlyList<SetAsideEntry> ReadSetAside(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return Guarded(database => SetAsideShelf.Read(database, max));
    }

    public int RestoreSetAside() => Guarded(database => SetAsideShelf.Restore(database, _lanes), settleMove: true);

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _files.Close();
        }
    }

    /// <summary>
    /// Runs a set-aside operation under the lock, one that writes LiteDB (<paramref name="settleMove"/>) after a running
    /// background move ended; a storage failure closes the files for a reopen and is rethrown.
    /// </summary>
    private T Guarded<T>(Func<OutboxDatabase, T> operation, bool settleMove = false)
    {
        lock (_lock)
        {
            var database = Usable();
            try
            {
                if (settleMove)
                {
                    _files.SettleMove();
                    database = Usable();
                }

                return operation(database);
            }
            catch (Exception ex)
            {
                _files.Fail(ex);
                throw;
            }
        }
    }

    private OutboxDatabase Usable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _files.Usable();
    }
}
