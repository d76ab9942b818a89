using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;

namespace EdgeGateway.Outbox.LiteDb.Tests;

/// <summary>The journal in front of LiteDB: replay after a crash, torn tails, and a crash between a move and the journal cut.</summary>
public sealed partial class LiteDbOutboxStoreTests
{
    [Fact]
    public void Open_AfterCrash_ReplaysJournalledAppendsRemovesAndSeq()
    {
        var files = new ProbeFiles();
        var first = OpenStore(files);
        var appended = first.AppendNext(Drafts(EventKind.Panic, EventKind.Door, EventKind.Smoke));
        first.Remove([appended[1]]);
        Crash(first, files);

        var second = OpenStore();

        EntryAssert.Equal([appended[0], appended[2]], second.ReadPending(10));
        Assert.Equal(new OutboxDepth(2, 0, 0), second.Depth);
        Assert.Equal(3, second.LastSeq);
        Assert.Equal(4, second.AppendNext(Drafts(EventKind.Door))[0].Seq);
    }

    [Fact]
    public void Open_JournalTornTail_KeepsIntactFramesSetsTailAsideAndLaterAppendsReplay()
    {
        var files = new ProbeFiles();
        var first = OpenStore(files);
        var kept = first.AppendNext(Drafts(EventKind.Panic));
        var lengthAfterKept = new FileInfo(first.JournalPath).Length;
        first.AppendNext(Drafts(EventKind.Smoke, EventKind.Door));
        Crash(first, files);
        var journal = File.ReadAllBytes(_directory.File("outbox.db.journal"));
        File.WriteAllBytes(_directory.File("outbox.db.journal"), journal[..^7]);

        var second = OpenStore(files);
        var pendingAfterTear = second.ReadPending(10);
        var next = second.AppendNext(Drafts(EventKind.Door));
        Crash(second, files);
        var third = OpenStore();

        EntryAssert.Equal(kept, pendingAfterTear);
        Assert.Equal(2, next[0].Seq);
        EntryAssert.Equal([kept[0], next[0]], third.ReadPending(10));
        var aside = Assert.Single(Directory.GetFiles(_directory.Path, "outbox.db.journal.torn-*"));
        Assert.Equal(journal[(int)lengthAfterKept..^7], File.ReadAllBytes(aside));
    }

    [Fact]
    public void Open_JournalWithGarbageAfterFrames_KeepsTheFramesAndTheSeq()
    {
        var files = new ProbeFiles();
        var first = OpenStore(files);
        var appended = first.AppendNext(Drafts(EventKind.Panic, EventKind.Door));
        Crash(first, files);
        var garbage = new byte[5000];
        new Random(3).NextBytes(garbage);
        using (var journal = new FileStream(_directory.File("outbox.db.journal"), FileMode.Append))
        {
            journal.Write(garbage);
        }

        var second = OpenStore();

        EntryAssert.Equal(appended, second.ReadPending(10));
        Assert.Equal(3, second.AppendNext(Drafts(EventKind.Door))[0].Seq);
        Assert.Single(Directory.GetFiles(_directory.Path, "outbox.db.journal.torn-*"));
    }

    [Fact]
    public void Open_CrashBetweenMoveAndJournalCut_EntriesAppearOnceAndSeqContinues()
    {
        var files = new ProbeFiles();
        var first = OpenStore(files);
        var appended = first.AppendNext(Drafts(EventKind.Panic, EventKind.Door, EventKind.Smoke));
        first.Remove([appended[1]]);
        Crash(first, files);
        var journalBeforeMove = File.ReadAllBytes(_directory.File("outbox.db.journal"));
        OpenStore().Dispose();

        // The move reached LiteDB, but the journal cut did not: the journal is back as it was.
        File.WriteAllBytes(_directory.File("outbox.db.journal"), journalBeforeMove);
        var second = OpenStore();
        var pending = second.ReadPending(10);
        var next = second.AppendNext(Drafts(EventKind.Door));
        second.Dispose();
        var third = OpenStore();

        EntryAssert.Equal([appended[0], appended[2]], pending);
        Assert.Equal(4, next[0].Seq);
        EntryAssert.Equal([appended[0], appended[2], next[0]], third.ReadPending(10));
        Assert.Equal(new OutboxDepth(2, 1, 0), third.Depth);
    }

    [Fact]
    public void Open_DataFileCorruptWithJournalledEntries_KeepsThemAndSeqContinuesPastSidecar()
    {
        var files = new ProbeFiles();
        var first = OpenStore(files);
        var moved = first.AppendNext(Drafts(EventKind.Panic));
        first.Dispose();
        var second = OpenStore(files);
        var journalled = second.AppendNext(Drafts(EventKind.Smoke, EventKind.Door));
        Crash(second, files);
        var garbage = new byte[64 * 1024];
        new Random(11).NextBytes(garbage);
        File.WriteAllBytes(DataPath, garbage);

        var third = OpenStore();
        var pending = third.ReadPending(10);
        var next = third.AppendNext(Drafts(EventKind.Panic));
        third.Dispose();
        var fourth = OpenStore();

        var recovery = Assert.IsType<OutboxRecovery>(third.Recovery);
        Assert.True(recovery.LastSeqBefore >= 3);
        EntryAssert.Equal(journalled, pending);
        Assert.DoesNotContain(pending, e => e.Seq == moved[0].Seq);
        Assert.Equal(recovery.LastSeqBefore + 1, next[0].Seq);
        EntryAssert.Equal([journalled[0], next[0], journalled[1]], fourth.ReadPending(10));
    }

    [Fact]
    public void Append_DiskFullAfterAMove_ThrowsStoresNothingAndRetryGetsTheSameSeq()
    {
        var files = new ProbeFiles();
        var store = OpenStore(files, moveAfterEntries: 2);
        var kept = store.AppendNext(Drafts(EventKind.Panic, EventKind.Door));
        store.WaitForBackgroundMove();

        files.FailWrites = true;
        Assert.Throws<IOException>(() => store.AppendNext(Drafts(EventKind.Smoke)));
        files.FailWrites = false;
        var retried = store.AppendNext(Drafts(EventKind.Smoke));
        store.Dispose();
        var reopened = OpenStore();

        Assert.Equal(3, retried[0].Seq);
        EntryAssert.Equal([kept[0], retried[0], kept[1]], reopened.ReadPending(10));
        Assert.Equal(3, reopened.LastSeq);
    }

    [Fact]
    public void Append_DropsOfJournalledEntries_SurviveCrashAndMoveWithoutDoubleCounting()
    {
        var files = new ProbeFiles();
        var limits = new OutboxOptions { MaxEntries = 5 };
        var first = OpenStore(files, limits: limits);
        var telemetry = first.AppendNext(Telemetry(5));
        var alarms = first.AppendNext(Drafts(EventKind.Panic, EventKind.Panic));
        Crash(first, files);

        var second = OpenStore(limits: limits);
        var afterCrash = (second.Depth, second.Dropped);
        second.Dispose();
        var third = OpenStore(limits: limits);

        var expected = (new OutboxDepth(2, 0, 3), new OutboxDrops(0, 2));
        Assert.Equal(expected, afterCrash);
        Assert.Equal(expected, (third.Depth, third.Dropped));
        EntryAssert.Equal([.. alarms, .. telemetry.Skip(2)], third.ReadPending(10));
    }

    [Fact]
    public void Remove_OfLiteDbEntries_IsOneJournalWriteAndTheNextMoveDeletesThem()
    {
        var files = new ProbeFiles();
        var first = OpenStore(files);
        var appended = first.AppendNext(Drafts(EventKind.Panic, EventKind.Door, EventKind.Smoke));
        first.Dispose();
        var second = OpenStore(files);
        files.Clear();

        second.Remove([appended[0], appended[2]]);
        var afterRemove = files.Events;
        var pending = second.ReadPending(10);
        var depth = second.Depth;
        second.Dispose();

        Assert.Equal([new FileEvent("outbox.db.journal", FileOp.Write, afterRemove[0].Bytes)], afterRemove);
        EntryAssert.Equal([appended[1]], pending);
        Assert.Equal(new OutboxDepth(0, 1, 0), depth);
        using var db = new LiteDB.LiteDatabase($"Filename={DataPath};Connection=direct");
        Assert.Equal(0, db.GetCollection("alarm").Count());
        Assert.Equal([appended[1].Seq], db.GetCollection("event").FindAll().Select(d => d["_id"].AsInt64));
    }

    [Fact]
    public void Open_AfterCrash_LiteDbEntriesRemovedThroughTheJournalStayRemoved_AlsoWhenTheMoveAlreadyDeletedThem()
    {
        var files = new ProbeFiles();
        var first = OpenStore(files);
        var appended = first.AppendNext(Drafts(EventKind.Panic, EventKind.Door, EventKind.Smoke));
        first.Dispose();
        var second = OpenStore(files);
        second.Remove([appended[0], appended[1]]);
        Crash(second, files);
        var journal = File.ReadAllBytes(_directory.File("outbox.db.journal"));

        var third = OpenStore();
        var afterCrash = (third.Depth, third.ReadPending(10));
        third.Dispose();
        File.WriteAllBytes(_directory.File("outbox.db.journal"), journal);
        var fourth = OpenStore();

        Assert.Equal(new OutboxDepth(1, 0, 0), afterCrash.Depth);
        EntryAssert.Equal([appended[2]], afterCrash.Item2);
        Assert.Equal(new OutboxDepth(1, 0, 0), fourth.Depth);
        EntryAssert.Equal([appended[2]], fourth.ReadPending(10));
    }

    [Fact]
    public void Remove_ManyLiteDbEntries_MovesEveryMoveAfterDeletesAndReadsSkipTheRemoved()
    {
        var first = OpenStore();
        var appended = first.AppendNext(Drafts([.. Enumerable.Repeat(EventKind.Door, 40)]));
        first.Dispose();
        var store = OpenStore(moveAfterDeletes: 8);
        var seen = new List<OutboxEntry>();

        // As the forwarder drains: read a window, remove it in small batches.
        for (var pending = store.ReadPending(5); pending.Count > 0; pending = store.ReadPending(5))
        {
            seen.AddRange(pending);
            store.Remove([pending[0], pending[1]]);
            store.Remove([.. pending.Skip(2)]);
        }

        EntryAssert.Equal(appended, seen);
        Assert.Equal(default, store.Depth);
        Assert.True(new FileInfo(store.JournalPath).Length < 1000, "moves keep the journal short");
    }

    [Fact]
    public void Drain_OutOfOrderRemovesWithAppendsAndMoves_EveryEntryIsReadUntilRemovedAndNoneIsLost()
    {
        var first = OpenStore();
        var backlog = first.AppendNext([.. Enumerable.Range(0, 600).Select(i => i % 3 == 0 ? EventKind.Panic : EventKind.Door).SelectMany(k => Drafts(k)), .. Telemetry(300)]);
        first.Dispose();
        var store = OpenStore(moveAfterEntries: 7, moveAfterDeletes: 13);
        var random = new Random(5);
        var all = backlog.ToDictionary(e => e.Seq);
        var removed = new HashSet<long>();

        // As the forwarder does: read a window, remove a random part of it (the rest is "in flight"), now and then
        // accept new alarms, and reopen after a crash once in a while.
        for (var round = 0; removed.Count < all.Count; round++)
        {
            var pending = store.ReadPending(40);
            Assert.True(pending.Count > 0, $"round {round}: nothing to read, yet {all.Count - removed.Count} entries were never removed");
            Assert.All(pending, e => Assert.DoesNotContain(e.Seq, removed));
            var acked = pending.Where(_ => random.Next(3) > 0).ToList();
            store.Remove(acked);
            removed.UnionWith(acked.Select(e => e.Seq));
            if (round % 5 == 0)
            {
                foreach (var entry in store.AppendNext(Drafts(EventKind.Smoke)))
                {
                    all.Add(entry.Seq, entry);
                }
            }

            if (round % 17 == 16)
            {
                var files = new ProbeFiles();
                store.Dispose();
                store = OpenStore(files, moveAfterEntries: 7, moveAfterDeletes: 13);
                store.Remove([.. store.ReadPending(3)]);
                Crash(store, files);
                removed.Clear();
                store = OpenStore(moveAfterEntries: 7, moveAfterDeletes: 13);
                var left = store.ReadPending(10_000);
                removed.UnionWith(all.Keys.Except(left.Select(e => e.Seq)));
                EntryAssert.Equal(left, left.Select(e => all[e.Seq]));
            }

            Assert.Equal(all.Count - removed.Count, store.Depth.Total);
        }

        Assert.Empty(store.ReadPending(10));
        store.Dispose();
        Assert.Equal(default, OpenStore().Depth);
    }

    /// <summary>
    /// Leaves the files as a crash would: the disk is made to refuse writes, so the close's move into LiteDB fails
    /// and the store closes its files with the journal still holding everything since the last move.
    /// </summary>
    private static void Crash(LiteDbOutboxStore store, ProbeFiles files)
    {
        // A background move ends first: a disk that fails in the middle of LiteDB's commit leaves a transaction
        // that LiteDB cannot roll back (its finalizer then throws); these tests are about the journal.
        store.WaitForBackgroundMove();
        files.FailWrites = true;
        store.Dispose();
        files.FailWrites = false;
    }
}
