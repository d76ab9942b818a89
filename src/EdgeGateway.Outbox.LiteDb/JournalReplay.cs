using System.Globalization;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>Replays the journal on top of LiteDB's state at open and at every reopen after a storage failure.</summary>
internal static class JournalReplay
{
    /// <summary>
    /// Applies every intact frame to <paramref name="lanes"/> (cleared by the caller: two generations replay in turn). A frame holding a seq above
    /// <paramref name="rollBackAbove"/> is an append that reported failure: it and anything after it are cut off,
    /// so its seqs go to the caller's retry. Bytes after the last intact frame (torn by a crash before their
    /// fsync returned) are copied aside for inspection and cut off. Unreadable bytes with intact frames after them
    /// (a bad frame in the middle) lose only themselves: they are copied aside too, and returned as a recovery to
    /// report; the caller then moves the journal into LiteDB so they are gone. Copies aside are best effort: on a
    /// full disk they are skipped (and logged) rather than fail the open.
    /// </summary>
    public static OutboxRecovery? Run(OutboxJournal journal, string journalPath, OutboxDatabase database, OutboxLanes lanes, long? rollBackAbove, ILogger logger)
    {
        var contents = journal.ReadAll();
        OutboxRecovery? salvaged = null;
        foreach (var record in contents.Records)
        {
            if (rollBackAbove is long floor && record.Frame.Appended.Any(a => a.Entry.Seq > floor))
            {
                journal.Truncate(record.Offset);
                Log.RolledBackFailedAppend(logger, floor + 1, record.Frame.Appended[^1].Entry.Seq);
                return salvaged;
            }

            if (contents.Damaged.FirstOrDefault(d => d.Offset + d.Length == record.Offset) is { Length: > 0 } damage)
            {
                var aside = SetAside(journal, journalPath, damage.Offset, damage.Length, "damaged", logger);
                Log.JournalFrameSkipped(logger, journalPath, damage.Length, damage.Offset, aside ?? "(not copied)");
                salvaged = new OutboxRecovery(
                    aside ?? journalPath,
                    lanes.LastSeq,
                    string.Create(CultureInfo.InvariantCulture, $"journal: {damage.Length} unreadable bytes at offset {damage.Offset} skipped; the frames after them were kept"));
            }

            Apply(record.Frame, database, lanes);
        }

        if (contents.TornAt is long tornAt)
        {
            var torn = journal.Length - tornAt;

            // After a failed append the tail is that append's partial frame, which is not worth keeping.
            if (rollBackAbove is null)
            {
                var aside = SetAside(journal, journalPath, tornAt, null, "torn", logger);
                Log.JournalTailSetAside(logger, journalPath, torn, tornAt, aside ?? "(not copied)");
            }

            journal.Truncate(tornAt);
        }

        return salvaged;
    }

    private static string? SetAside(OutboxJournal journal, string journalPath, long offset, long? length, string what, ILogger logger)
    {
        var aside = $"{journalPath}.{what}-{Guid.NewGuid():N}";
        try
        {
            journal.CopyRange(offset, length, aside);
            return aside;
        }
        catch (IOException ex)
        {
            // Full disk: the bytes are unreadable anyway; opening the outbox matters more than keeping a copy.
            Log.SetAsideFailed(logger, aside, ex);
            TryDelete(aside);
            return null;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
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
            // the move already deleted it, or put it below the lane's floor.
            var deleting = lanes.Deleting[(int)lane];
            if (lanes.TakeJournalled(seq) is not null
                || (seq > lanes.RemovedUpTo[(int)lane] && !deleting.Contains(seq) && database.LaneCollection(lane).FindById(seq) is not null && deleting.Add(seq)))
            {
                lanes.Depth[(int)lane]--;
            }
        }
    }
}
