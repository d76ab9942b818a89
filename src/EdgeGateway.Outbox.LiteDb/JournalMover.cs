namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// What a background move puts into LiteDB, per lane (indexed by (int)Lane): the journalled entries to insert and the
/// removed LiteDB entries to delete, with <c>LastSeq</c> and the drop counts for meta. Taken under the store's lock
/// and not changed after, so the move reads it without the lock.
/// </summary>
/// <param name="Inserts">The journalled entries to insert.</param>
/// <param name="Deletes">The removed LiteDB entries above the floors, each deleted.</param>
/// <param name="LastSeq">For meta: every seq up to it is in LiteDB after the move, or was removed.</param>
/// <param name="Dropped">For meta: the drop counts.</param>
/// <param name="RemovedUpTo">The lanes' removal floors after the move: removed documents at or below them are not deleted one by one.</param>
/// <param name="Passed">Removed documents left below the floors after the move, per lane.</param>
/// <param name="PurgeUpTo">Per lane, the seq up to which the move first deletes every document (all removed ones), or 0.</param>
internal sealed record MoveBatch(
    IReadOnlyList<JournalEntry>[] Inserts,
    IReadOnlyList<long>[] Deletes,
    long LastSeq,
    long[] Dropped,
    long[] RemovedUpTo,
    long[] Passed,
    long[] PurgeUpTo);

/// <summary>
/// Moves the journalled entries into LiteDB (group commit) and empties the journal: when the journal has grown
/// past one of the thresholds, after a recovery, and at a clean close. While the store runs a move is a background
/// step on a generation of the journal cut off for it (<see cref="OutboxFiles.RequestMoveIfDue"/>), so appends and removes go
/// on meanwhile: an alarm's append never waits for a LiteDB transaction, a checkpoint and their fsyncs.
/// </summary>
internal sealed class JournalMover
{
    private ManualResetEventSlim? _written;
    private Exception? _error;

    /// <summary>Journalled entries that trigger a move.</summary>
    public int AfterEntries { get; set; } = 1000;

    /// <summary>Journal size that triggers a move (removes grow it too).</summary>
    public long AfterBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// LiteDB entries removed through the journal that trigger a move. A move costs four fsyncs however much it
    /// moves (tens of ms on an SD card), while reads only skip the removed entries (microseconds each) until the move
    /// deletes them.
    /// </summary>
    public int AfterDeletes { get; set; } = 1024;

    /// <summary>
    /// Removed documents below the lanes' floors that a background move purges even while the outbox still holds
    /// documents in LiteDB (otherwise it purges once none is left: after a drain). Bounds the file's dead pages to about
    /// the default outbox's worth (0.5 KiB each).
    /// </summary>
    public long PurgeAfter { get; set; } = 200_000;

    /// <summary>A background move was asked for and has not begun.</summary>
    public bool Requested { get; private set; }

    /// <summary>The batch of the background move begun last and not yet ended, or null.</summary>
    public MoveBatch? Running { get; private set; }

    /// <summary>Whether the journal holds enough entries, removes or bytes for a move.</summary>
    public bool IsDue(OutboxJournal journal, OutboxLanes lanes) =>
        lanes.Journalled.Sum(lane => lane.Count) >= AfterEntries || lanes.Deleting.Sum(lane => lane.Count) >= AfterDeletes || journal.Length >= AfterBytes
        || lanes.PurgeDue;

    /// <summary>Runs <paramref name="move"/> on a thread of its own (it waits for the store's lock, which a stalled disk may hold).</summary>
    public void Request(Action move)
    {
        Requested = true;
        Background = Task.Factory.StartNew(move, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The background move requested last, begun and ended or not.</summary>
    public Task? Background { get; private set; }

    /// <summary>The requested move begins with <paramref name="batch"/> (or, null, does not).</summary>
    public void Begin(MoveBatch? batch)
    {
        Requested = false;
        if (batch is not null)
        {
            Running = batch;
            _error = null;
            _written = new ManualResetEventSlim(false);
        }
    }

    /// <summary>The background move's LiteDB work, outside the store's lock; a failure is kept for <see cref="Wait"/>.</summary>
    public Exception? Write(OutboxDatabase database, MoveBatch batch)
    {
        try
        {
            WriteBatch(database, batch);
        }
        catch (Exception ex)
        {
            _error = ex;
        }
        finally
        {
            _written!.Set();
        }

        return _error;
    }

    /// <summary>Waits for the running move's LiteDB work; its batch and failure, or null when none runs.</summary>
    public (MoveBatch Batch, Exception? Error)? Wait()
    {
        if (Running is not { } batch)
        {
            return null;
        }

        _written!.Wait();
        return (batch, _error);
    }

    /// <summary>The running move is over (its outcome handled): the next may begin.</summary>
    public void Ended()
    {
        Running = null;
        _written?.Dispose();
        _written = null;
    }

    /// <summary>
    /// One LiteDB transaction deletes the entries removed through the journal, inserts every journalled entry and moves <c>LastSeq</c> and the drop counts into
    /// meta; a checkpoint puts it on the device; then the journal is emptied. A crash between the two leaves a
    /// journal whose seqs are all at or below meta's <c>LastSeq</c>, which the replay skips. At open and close, in the caller's thread.
    /// </summary>
    public static void Move(OutboxDatabase database, OutboxJournal journal, OutboxLanes lanes)
    {
        if (journal.Length == 0 && lanes.MovedSeq == lanes.LastSeq)
        {
            return;
        }

        // No purge: at open and close a move must be quick; the next background move purges.
        var batch = lanes.BeginMove(purgeAfter: null);
        try
        {
            WriteBatch(database, batch);
        }
        catch
        {
            lanes.AbortMove();
            throw;
        }

        lanes.EndMove(batch);
        journal.Truncate(0);
    }

    /// <summary>
    /// The purges the batch asks for, then the batch in one LiteDB transaction (the lanes' floors with it), then a
    /// checkpoint and an fsync of both LiteDB files.
    /// </summary>
    private static void WriteBatch(OutboxDatabase database, MoveBatch batch)
    {
        // Before the transaction: a crash part-way leaves the old floors over documents that are gone, which is no harm.
        foreach (var lane in OutboxLanes.All.Where(lane => batch.PurgeUpTo[(int)lane] > 0))
        {
            database.PurgeUpTo(lane, batch.PurgeUpTo[(int)lane]);
        }

        database.BeginTransaction();
        try
        {
            foreach (var lane in OutboxLanes.All)
            {
                var collection = database.LaneCollection(lane);
                foreach (var seq in batch.Deletes[(int)lane])
                {
                    collection.Delete(seq);
                }

                if (batch.Inserts[(int)lane].Count > 0)
                {
                    database.Insert(lane, batch.Inserts[(int)lane]);
                }
            }

            database.WriteMeta(batch.LastSeq, batch.Dropped);
            database.WriteRemovedUpTo(batch.RemovedUpTo);
            database.Commit();
        }
        catch
        {
            database.RollbackQuietly();
            throw;
        }

        database.MakeDurable();
    }
}
