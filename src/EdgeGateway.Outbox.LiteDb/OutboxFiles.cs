using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// The open files behind the store: LiteDB and the journal. Opens them (recovering from corruption), closes them
/// after a storage failure and reopens them at the next call, so a full or flaky disk does not leave a broken
/// engine behind. Not thread-safe: only the store's lock guards it (a background move takes it to begin and to end).
/// </summary>
internal sealed class OutboxFiles
{
    private readonly string _dataPath;
    private readonly string _journalPath;
    private readonly Func<string, FileStream> _openFile;
    private readonly OutboxLanes _lanes;
    private readonly SeqSidecar _sidecar;
    private readonly DatabaseOpener _opener;
    private readonly ILogger _logger;
    private readonly string _logPath;
    private readonly TimeProvider _time;
    private readonly Lock _lock;
    private readonly JournalMover _mover;
    private readonly string _movingPath;
    private OutboxDatabase? _database;

    // The older journal generation while a background move puts it into LiteDB.
    private OutboxJournal? _movingJournal;
    private bool _opened;
    private bool _faulted;

    // Seq before an append that threw. If its transaction reached the disk anyway, the reopen removes it,
    // so a failed append stores nothing and its seqs are given to the caller's retry.
    private long? _rollbackAbove;

    public OutboxFiles(string dataPath, string logPath, string journalPath, Func<string, FileStream> openFile, OutboxLanes lanes, SeqSidecar sidecar, JournalMover mover, Lock storeLock, TimeProvider time, ILogger logger)
    {
        _lock = storeLock;
        _mover = mover;
        _movingPath = MovingPathFor(journalPath);
        _logPath = logPath;
        _time = time;
        _dataPath = dataPath;
        _journalPath = journalPath;
        _openFile = openFile;
        _lanes = lanes;
        _sidecar = sidecar;
        _logger = logger;
        _opener = new DatabaseOpener(dataPath, logPath, OpenFile, lanes, logger);
    }

    /// <summary>The last corruption recovered from (data file set aside, journal bytes skipped, unreadable documents); a new instance each time, so each is reported.</summary>
    public OutboxRecovery? Recovery { get; private set; }

    /// <summary>Records a corruption found after open (unreadable documents), to be reported like one found at open.</summary>
    public void Report(OutboxRecovery recovery) => Recovery = recovery;

    /// <summary>True from a storage failure until an append reaches the journal again: no move into LiteDB starts meanwhile (a refusing disk is tested with one small journal write).</summary>
    public bool FailingSinceAppend { get; private set; }

    /// <summary>An append is on the device: moves into LiteDB may start again.</summary>
    public void AppendSucceeded() => FailingSinceAppend = false;

    /// <summary>The open journal; null while closed.</summary>
    public OutboxJournal? Journal { get; private set; }

    /// <summary>The older journal generation, named so while a background move runs (or after a crash in one).</summary>
    public static string MovingPathFor(string journalPath) => journalPath + ".moving";

    /// <summary>
    /// Asks for a background move when the journal is due for one (under the store's lock). On its own thread it cuts
    /// the journal into a new generation under the lock (the old one renamed <c>….journal.moving</c> and kept until
    /// the move is on the device; a crash meanwhile replays both, older first), writes LiteDB without the lock, and
    /// ends under the lock. Appends and removes go on to the new generation meanwhile.
    /// </summary>
    public void RequestMoveIfDue()
    {
        if (!_mover.Requested && _mover.Running is null && !_faulted && !FailingSinceAppend && Journal is not null && _mover.IsDue(Journal, _lanes))
        {
            _mover.Request(MoveInBackground);
        }
    }

    private void MoveInBackground()
    {
        MoveBatch? batch = null;
        OutboxDatabase? database;
        lock (_lock)
        {
            database = _database;
            if (!_faulted && !FailingSinceAppend && database is not null && Journal is not null)
            {
                batch = BeginMove();
            }

            _mover.Begin(batch);
        }

        if (batch is not null)
        {
            var error = _mover.Write(database!, batch);
            lock (_lock)
            {
                EndMove(batch, error);
            }
        }
    }

    /// <summary>The journal's entries become the batch and the journal a new generation; null (files closed) if that fails.</summary>
    private MoveBatch? BeginMove()
    {
        var batch = _lanes.BeginMove(_mover.PurgeAfter);
        try
        {
            _movingJournal = Journal;
            Journal = null;
            File.Move(_journalPath, _movingPath, overwrite: true);
            Journal = new OutboxJournal(OpenFile(_journalPath));
            DirectorySync.Flush(Path.GetDirectoryName(_journalPath) ?? ".");
            return batch;
        }
        catch (Exception ex)
        {
            // Nothing is lost: the next call reopens the files and replays whatever generations there are.
            _lanes.AbortMove();
            MarkFailed(ex);
            return null;
        }
    }

    /// <summary>
    /// Ends the background move of <paramref name="batch"/> (under the store's lock; nothing if it was ended already):
    /// its entries are read from LiteDB from now on and the older generation goes. A failed move closes the files like
    /// any storage failure; the next call reopens them and replays both generations.
    /// </summary>
    public void EndMove(MoveBatch batch, Exception? error)
    {
        if (!ReferenceEquals(_mover.Running, batch))
        {
            return;
        }

        _mover.Ended();
        if (error is not null)
        {
            _lanes.AbortMove();
            MarkFailed(error);
            return;
        }

        _lanes.EndMove(batch);
        DropMovingJournal();
    }

    /// <summary>A background move has begun and not ended.</summary>
    public bool MoveRunning => _mover.Running is not null;

    /// <summary>Waits for a running background move and ends it: before closing, and before anything else that writes LiteDB.</summary>
    public void SettleMove()
    {
        if (_mover.Wait() is { } outcome)
        {
            EndMove(outcome.Batch, outcome.Error);
        }
    }

    /// <summary>Opens or creates the files and replays the journal; does nothing once open.</summary>
    public void Open()
    {
        if (_opened)
        {
            return;
        }

        var directory = Path.GetDirectoryName(_dataPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var floor = SeqFloor.WithoutRecord(_dataPath, _sidecar, [_journalPath, _movingPath, _logPath], _time);
        try
        {
            _database = _opener.Open();
        }
        catch (Exception ex) when (ex is not (IOException or UnauthorizedAccessException or NotSupportedException))
        {
            Recovery = _opener.StartFresh(ex, _sidecar, out _database);
        }

        try
        {
            OpenJournal(rollBackAbove: null);

            // After a fresh start the journal's entries are all that is left: put them in LiteDB at once,
            // before its meta (which continues past the sidecar's mark) makes the next replay skip them.
            if (Recovery is not null)
            {
                JournalMover.Move(_database!, Journal!, _lanes);
                DropMovingJournal();
            }
        }
        catch
        {
            CloseFiles(quiet: true);
            throw;
        }

        if (floor > _lanes.LastSeq)
        {
            Log.SeqFloor(_logger, _dataPath, floor);
            _lanes.LastSeq = floor;
        }

        try
        {
            _sidecar.Cover(_lanes.LastSeq);
        }
        catch (IOException ex)
        {
            // A full disk must not stop the open: every append covers its seqs again.
            Log.SidecarFailed(_logger, ex);
        }

        _opened = true;
        Log.Opened(_logger, _dataPath, _lanes.Depth[0], _lanes.Depth[1], _lanes.Depth[2], _lanes.LastSeq);
    }

    /// <summary>The database, reopened first if a storage failure closed it.</summary>
    public OutboxDatabase Usable()
    {
        if (!_opened)
        {
            throw new InvalidOperationException("The outbox is not open; call Open() first.");
        }

        if (!_faulted)
        {
            return _database!;
        }

        try
        {
            _database = _opener.Open();
            OpenJournal(_rollbackAbove);
            _rollbackAbove = null;
            _faulted = false;
            Log.Reopened(_logger, _dataPath, _lanes.LastSeq);
            return _database;
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
    }

    /// <summary>An append failed: as <see cref="Fail"/>, and the reopen cuts off whatever of it reached the journal.</summary>
    [DoesNotReturn]
    public void FailAppend(Exception ex, long lastSeqBefore)
    {
        _rollbackAbove = lastSeqBefore;
        Fail(ex);
    }

    /// <summary>Closes everything after a failure and throws an IOException, which callers treat as "retry".</summary>
    [DoesNotReturn]
    public void Fail(Exception ex)
    {
        SettleMove();
        MarkFailed(ex);
        if (ex is IOException)
        {
            ExceptionDispatchInfo.Throw(ex);
        }

        throw new IOException($"Outbox '{_dataPath}' storage failed: {ex.Message}", ex);
    }

    /// <summary>A clean stop: moves the journal into LiteDB, so it is left empty, and closes. If the move fails, the journal is replayed at the next open.</summary>
    public void Close()
    {
        SettleMove();
        if (_database is not null)
        {
            try
            {
                JournalMover.Move(_database, Journal!, _lanes);
                DropMovingJournal();
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

    private void OpenJournal(long? rollBackAbove)
    {
        _lanes.ClearJournalled();
        OutboxRecovery? salvaged = null;
        var older = File.Exists(_movingPath);
        if (older)
        {
            // A background move did not end: its generation comes first. A failed append is only ever in the newer one.
            _movingJournal = new OutboxJournal(OpenFile(_movingPath));
            salvaged = JournalReplay.Run(_movingJournal, _movingPath, _database!, _lanes, rollBackAbove: null, _logger);
        }

        Journal = new OutboxJournal(OpenFile(_journalPath));
        salvaged = JournalReplay.Run(Journal, _journalPath, _database!, _lanes, rollBackAbove, _logger) ?? salvaged;
        if (salvaged is not null && (_opened || Recovery is null))
        {
            Recovery = salvaged;
        }

        if (salvaged is not null || older)
        {
            try
            {
                // Damaged bytes are still in the file, or two generations are: moving them into LiteDB empties both.
                JournalMover.Move(_database!, Journal, _lanes);
                DropMovingJournal();
            }
            catch (IOException ex)
            {
                // Full disk: the next replay salvages the same frames again.
                Log.StorageFailed(_logger, _journalPath, ex);
            }
        }
    }

    /// <summary>The older generation is in LiteDB: closed and deleted. A delete that fails leaves only seqs the replay skips.</summary>
    private void DropMovingJournal()
    {
        _movingJournal?.Dispose();
        _movingJournal = null;
        try
        {
            File.Delete(_movingPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.StorageFailed(_logger, _movingPath, ex);
        }
    }

    private void MarkFailed(Exception ex)
    {
        Log.StorageFailed(_logger, _dataPath, ex);
        _faulted = true;
        FailingSinceAppend = true;
        CloseFiles(quiet: true);
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

    private void CloseFiles(bool quiet)
    {
        var database = _database;
        _database = null;
        try
        {
            database?.CloseEngine(flush: !quiet);
        }
        catch (Exception ex) when (quiet)
        {
            Log.CloseFailed(_logger, _dataPath, ex);
        }
        finally
        {
            Journal?.Dispose();
            _movingJournal?.Dispose();
            database?.CloseFiles();
            Journal = null;
            _movingJournal = null;
        }
    }
}
