using Microsoft.Extensions.Logging;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>Replays the journal on top of LiteDB's state at open and at every reopen after a storage failure.</summary>
internal static class JournalReplay
{
    /// <summary>
    /// Applies every intact frame to <paramref name="lanes"/>. A frame holding a seq above
    /// <paramref name="rollBackAbove"/> is an append that reported failure: it and anything after it are cut off,
    /// so its seqs go to the caller's retry. Bytes after the last intact frame (torn by a crash before their
    /// fsync returned) are copied aside for inspection and cut off.
    /// </summary>
    public static void Run(OutboxJournal journal, string journalPath, OutboxDatabase database, OutboxLanes lanes, long? rollBackAbove, ILogger logger)
    {
        lanes.ClearJournalled();
        var contents = journal.ReadAll();
        foreach (var record in contents.Records)
        {
            if (rollBackAbove is long floor && record.Frame.Appended.Any(a => a.Entry.Seq > floor))
            {
                journal.Truncate(record.Offset);
                Log.RolledBackFailedAppend(logger, floor + 1, record.Frame.Appended[^1].Entry.Seq);
                return;
            }

            Apply(record.Frame, database, lanes);
        }

        if (contents.TornAt is long tornAt)
        {
            var torn = journal.Length - tornAt;

            // After a failed append the tail is that append's partial frame, which is not worth keeping.
            if (rollBackAbove is null)
            {
                var aside = $"{journalPath}.torn-{Guid.NewGuid():N}";
                journal.CopyTail(tornAt, aside);
                Log.JournalTailSetAside(logger, journalPath, torn, tornAt, aside);
            }

            journal.Truncate(tornAt);
        }
    }

    /// <summary>Applies one journal frame to the in-memory state; seqs already moved into LiteDB are skipped.</summary>
    private static void Apply(JournalFrame frame, OutboxDatabase database, OutboxLanes lanes)
    {
        foreach (var journalled in frame.Appended)
        {
            var seq = journalled.Entry.Seq;
            if (seq > lanes.MovedSeq && Enum.IsDefined(journalled.Entry.Lane) && lanes.Journalled[(int)journalled.Entry.Lane].TryAdd(seq, journalled))
            {
                lanes.Depth[(int)journalled.Entry.Lane]++;
                lanes.LastSeq = Math.Max(lanes.LastSeq, seq);
            }
        }

        foreach (var seq in frame.Dropped)
        {
            if (seq > lanes.MovedSeq && lanes.TakeJournalled(seq) is { } dropped)
            {
                lanes.Depth[(int)dropped.Entry.Lane]--;
                lanes.Dropped[(int)dropped.Entry.Lane]++;
                lanes.JournalDrops[(int)dropped.Entry.Lane]++;
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
            var deleting = lanes.Deleting[(int)lane];
            if (lanes.TakeJournalled(seq) is not null
                || (!deleting.Contains(seq) && database.LaneCollection(lane).FindById(seq) is not null && deleting.Add(seq)))
            {
                lanes.Depth[(int)lane]--;
            }
        }
    }
}
