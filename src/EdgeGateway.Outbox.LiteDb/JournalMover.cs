namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// Moves the journalled entries into LiteDB (group commit) and empties the journal: when the journal has grown
/// past one of the thresholds, after a recovery, and at a clean close.
/// </summary>
internal sealed class JournalMover
{
    /// <summary>Journalled entries that trigger a move.</summary>
    public int AfterEntries { get; set; } = 1000;

    /// <summary>Journal size that triggers a move (removes grow it too).</summary>
    public long AfterBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// LiteDB entries removed through the journal that trigger a move. A move costs four fsyncs however much it
    /// moves (tens of ms on an SD card) and stalls the forwarder, while reads only skip the removed entries
    /// (microseconds each) until the move deletes them.
    /// </summary>
    public int AfterDeletes { get; set; } = 1024;

    /// <summary>Moves the journal into LiteDB when it holds enough entries, removes or bytes.</summary>
    public void MoveIfDue(OutboxDatabase database, OutboxJournal journal, OutboxLanes lanes)
    {
        if (lanes.Journalled.Sum(lane => lane.Count) >= AfterEntries || lanes.Deleting.Sum(lane => lane.Count) >= AfterDeletes || journal.Length >= AfterBytes)
        {
            Move(database, journal, lanes);
        }
    }

    /// <summary>
    /// One LiteDB transaction deletes the entries removed through the journal, inserts every journalled entry and moves <c>LastSeq</c> and the drop counts into
    /// meta; a checkpoint puts it on the device; then the journal is emptied. A crash between the two leaves a
    /// journal whose seqs are all at or below meta's <c>LastSeq</c>, which the replay skips.
    /// </summary>
    public static void Move(OutboxDatabase database, OutboxJournal journal, OutboxLanes lanes)
    {
        if (journal.Length == 0 && lanes.MovedSeq == lanes.LastSeq)
        {
            return;
        }

        database.BeginTransaction();
        foreach (var lane in OutboxLanes.All)
        {
            var collection = database.LaneCollection(lane);
            foreach (var seq in lanes.Deleting[(int)lane])
            {
                collection.Delete(seq);
            }

            var journalled = lanes.Journalled[(int)lane];
            if (journalled.Count > 0)
            {
                database.Insert(lane, journalled.Values);
            }
        }

        database.WriteMeta(lanes.LastSeq, lanes.Dropped);
        database.Commit();
        database.MakeDurable();
        lanes.MovedSeq = lanes.LastSeq;
        lanes.ClearJournalled();
        journal.Truncate(0);
    }
}
