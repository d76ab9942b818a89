using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;

namespace EdgeGateway.Outbox.LiteDb.Tests;

/// <summary>The move into LiteDB in the background, on a journal generation cut off for it.</summary>
public sealed partial class LiteDbOutboxStoreTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Append_WhileABackgroundMoveIsInLiteDb_IsDurableWithoutWaitingForIt()
    {
        var files = new ProbeFiles();
        var store = OpenStore(files, moveAfterEntries: 2);
        files.HoldWritesTo("outbox-log.db");
        var moved = store.AppendNext(Drafts(EventKind.Door, EventKind.Door));
        Assert.True(files.Holding.Wait(s_deadline), "the move did not reach LiteDB's log");

        // The move's commit waits on the disk; an alarm's append and a remove go on meanwhile.
        var alarm = await Task.Run(() => store.AppendNext(Drafts(EventKind.Panic))).WaitAsync(s_deadline);
        await Task.Run(() => store.Remove([moved[0]])).WaitAsync(s_deadline);
        var whileMoving = store.ReadPending(10);
        files.Release();
        store.WaitForBackgroundMove();

        EntryAssert.Equal([alarm[0], moved[1]], whileMoving);
        EntryAssert.Equal([alarm[0], moved[1]], store.ReadPending(10));
        Assert.False(File.Exists(store.JournalPath + ".moving"));
        store.Dispose();
        EntryAssert.Equal([alarm[0], moved[1]], OpenStore().ReadPending(10));
    }

    [Fact]
    public void ReadAndAppend_WhileTheFirstMoveCommits_SeeEveryLane()
    {
        // LiteDB 5.0.21 lists a collection made by a committing transaction in its shared header before the
        // collection's page is readable (litedb-org/LiteDB#2792): a read of that collection meanwhile fails with
        // "page type must be collection page". The store makes every collection at open, so no move makes one.
        var files = new ProbeFiles();
        var store = OpenStore(files, moveAfterEntries: 3);
        files.HoldWritesTo("outbox-log.db", when: IsLiteDbHeaderPage);
        var moved = store.AppendNext(Drafts(EventKind.Door, EventKind.Smoke, EventKind.Telemetry));
        files.Holding.Wait(TimeSpan.FromSeconds(2));

        var whileMoving = store.ReadPending(10);
        var alarm = store.AppendNext(Drafts(EventKind.Panic));
        files.Release();
        store.WaitForBackgroundMove();

        EntryAssert.Equal([moved[1], moved[0], moved[2]], whileMoving);
        EntryAssert.Equal([moved[1], alarm[0], moved[0], moved[2]], store.ReadPending(10));
    }

    [Fact]
    public void Open_OfANewOutbox_MakesEveryCollectionItUses()
    {
        var store = OpenStore();
        var dataPath = store.DataPath;
        store.Dispose();

        using var db = new LiteDB.LiteDatabase($"Filename={dataPath};ReadOnly=true");
        Assert.Equal(["alarm", "event", "meta", "setaside", "telemetry"], db.GetCollectionNames().Order());
    }

    /// <summary>A LiteDB page whose page id (its first 4 bytes) is 0: the header, written last in a commit that changed it.</summary>
    private static bool IsLiteDbHeaderPage(ReadOnlyMemory<byte> page) =>
        page.Length >= 8192 && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(page.Span) == 0;

    [Fact]
    public void Open_AfterACrashDuringABackgroundMove_ReplaysBothGenerationsOlderFirst()
    {
        var files = new ProbeFiles();
        var store = OpenStore(files, moveAfterEntries: 3);
        files.HoldWritesTo("outbox-log.db");
        var older = store.AppendNext(Drafts(EventKind.Door, EventKind.Smoke, EventKind.Door));
        Assert.True(files.Holding.Wait(s_deadline), "the move did not reach LiteDB's log");
        var newer = store.AppendNext(Drafts(EventKind.Panic));
        store.Remove([older[0], newer[0]]);

        // The disk fails the move's fsyncs (its commit may be in LiteDB's log or not): both generations are left behind.
        files.FailFlushes = true;
        files.Release();
        store.WaitForBackgroundMove();
        store.Dispose();
        files.FailFlushes = false;
        Assert.True(File.Exists(store.JournalPath + ".moving"));
        var reopened = OpenStore();

        EntryAssert.Equal([older[1], older[2]], reopened.ReadPending(10));
        Assert.Equal(new OutboxDepth(1, 1, 0), reopened.Depth);
        Assert.Equal(5, reopened.AppendNext(Drafts(EventKind.Door))[0].Seq);
        Assert.False(File.Exists(store.JournalPath + ".moving"));
    }

    [Fact]
    public void Remove_OfAnEntryInABackgroundMove_DeletesItFromLiteDbWithTheNextMove()
    {
        var files = new ProbeFiles();
        var store = OpenStore(files, moveAfterEntries: 2);
        files.HoldWritesTo("outbox-log.db");
        var moved = store.AppendNext(Drafts(EventKind.Door, EventKind.Door));
        Assert.True(files.Holding.Wait(s_deadline), "the move did not reach LiteDB's log");
        store.Remove([moved[1]]);
        files.Release();
        store.WaitForBackgroundMove();

        // In LiteDB now, and removed: hidden until the next move deletes it, and not removed twice.
        EntryAssert.Equal([moved[0]], store.ReadPending(10));
        store.Remove([moved[1]]);
        Assert.Equal(new OutboxDepth(0, 1, 0), store.Depth);
        store.Dispose();
        var reopened = OpenStore();
        EntryAssert.Equal([moved[0]], reopened.ReadPending(10));
        Assert.Equal(new OutboxDepth(0, 1, 0), reopened.Depth);
    }
}
