using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// The open files behind the store: LiteDB and the journal. Opens them (recovering from corruption), closes them
/// after a storage failure and reopens them at the next call, so a full or flaky disk does not leave a broken
/// engine behind. Not thread-safe: only the store's lock guards it.
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
    private OutboxDatabase? _database;
    private bool _opened;
    private bool _faulted;

    // Seq before an append that threw. If its transaction reached the disk anyway, the reopen removes it,
    // so a failed append stores nothing and its seqs are given to the caller's retry.
    private long? _rollbackAbove;

    public OutboxFiles(string dataPath, string logPath, string journalPath, Func<string, FileStream> openFile, OutboxLanes lanes, SeqSidecar sidecar, TimeProvider time, ILogger logger)
    {
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

    /// <summary>
    /// The last corruption recovered from: the data file set aside at open, journal bytes skipped, or documents that
    /// could not be read. A new instance each time, so the gateway reports each one.
    /// </summary>
    public OutboxRecovery? Recovery { get; private set; }

    /// <summary>Records a corruption found after open (unreadable documents), to be reported like one found at open.</summary>
    public void Report(OutboxRecovery recovery) => Recovery = recovery;

    /// <summary>
    /// True from a storage failure until an append reaches the journal again: no move into LiteDB starts meanwhile,
    /// so a refusing disk is tested with one small journal write, not a LiteDB transaction whose failure leaves an
    /// engine to close after a failed write.
    /// </summary>
    public bool FailingSinceAppend { get; private set; }

    /// <summary>An append is on the device: moves into LiteDB may start again.</summary>
    public void AppendSucceeded() => FailingSinceAppend = false;

    /// <summary>The open journal; null while closed.</summary>
    public OutboxJournal? Journal { get; private set; }

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

        var floor = SeqFloorWithoutRecord();
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
        Log.StorageFailed(_logger, _dataPath, ex);
        _faulted = true;
        FailingSinceAppend = true;
        CloseFiles(quiet: true);
        if (ex is IOException)
        {
            ExceptionDispatchInfo.Throw(ex);
        }

        throw new IOException($"Outbox '{_dataPath}' storage failed: {ex.Message}", ex);
    }

    /// <summary>A clean stop: moves the journal into LiteDB, so it is left empty, and closes. If the move fails, the journal is replayed at the next open.</summary>
    public void Close()
    {
        if (_database is not null)
        {
            try
            {
                JournalMover.Move(_database, Journal!, _lanes);
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

    /// <summary>
    /// The seq to continue after when the outbox ran here before but both records of its seqs are gone (the data
    /// file and the sidecar missing while its journal or log is still there): the current time in Unix ms, or a
    /// leftover file's modification time if later (a clock that is not yet synchronised may be behind). Earlier seqs
    /// are below it unless the gateway averaged more than one event per ms. 0 when there is a record (or no trace).
    /// </summary>
    private long SeqFloorWithoutRecord()
    {
        if (File.Exists(_dataPath) || _sidecar.Exists || !(File.Exists(_journalPath) || File.Exists(_logPath)))
        {
            return 0;
        }

        var latest = new[] { _journalPath, _logPath }.Where(File.Exists).Select(p => new DateTimeOffset(File.GetLastWriteTimeUtc(p), TimeSpan.Zero)).Max();
        var now = _time.GetUtcNow();
        return (now > latest ? now : latest).ToUnixTimeMilliseconds();
    }

    private void OpenJournal(long? rollBackAbove)
    {
        Journal = new OutboxJournal(OpenFile(_journalPath));
        if (JournalReplay.Run(Journal, _journalPath, _database!, _lanes, rollBackAbove, _logger) is { } salvaged)
        {
            if (_opened || Recovery is null)
            {
                Recovery = salvaged;
            }

            try
            {
                // The damaged bytes are still in the file: moving the journal into LiteDB empties it.
                JournalMover.Move(_database!, Journal, _lanes);
            }
            catch (IOException ex)
            {
                // Full disk: the next replay salvages the same frames again.
                Log.StorageFailed(_logger, _journalPath, ex);
            }
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
            database?.CloseFiles();
            Journal = null;
        }
    }
}
