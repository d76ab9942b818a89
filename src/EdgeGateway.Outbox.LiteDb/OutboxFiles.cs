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
    private OutboxDatabase? _database;
    private bool _opened;
    private bool _faulted;

    // Seq before an append that threw. If its transaction reached the disk anyway, the reopen removes it,
    // so a failed append stores nothing and its seqs are given to the caller's retry.
    private long? _rollbackAbove;

    public OutboxFiles(string dataPath, string logPath, string journalPath, Func<string, FileStream> openFile, OutboxLanes lanes, SeqSidecar sidecar, ILogger logger)
    {
        _dataPath = dataPath;
        _journalPath = journalPath;
        _openFile = openFile;
        _lanes = lanes;
        _sidecar = sidecar;
        _logger = logger;
        _opener = new DatabaseOpener(dataPath, logPath, OpenFile, lanes, logger);
    }

    /// <summary>Set when <see cref="Open"/> found the data file corrupt and started a fresh one.</summary>
    public OutboxRecovery? Recovery { get; private set; }

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

        _sidecar.Cover(_lanes.LastSeq);
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

    private void OpenJournal(long? rollBackAbove)
    {
        Journal = new OutboxJournal(OpenFile(_journalPath));
        JournalReplay.Run(Journal, _journalPath, _database!, _lanes, rollBackAbove, _logger);
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
