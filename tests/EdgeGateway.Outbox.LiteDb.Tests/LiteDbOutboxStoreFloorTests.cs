using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Outbox.LiteDb.Tests;

/// <summary>
/// Removal floors: a drained stretch of a lane stays in LiteDB below its floor, hidden, until the outbox has drained
/// and a move purges it. A floor must never hide an entry: not one appended late with a lower seq, not one restored
/// from the set-aside shelf, not after a reopen.
/// </summary>
public sealed partial class LiteDbOutboxStoreTests
{
    [Fact]
    public void Drain_RemovedLiteDbEntries_StayHiddenBelowTheFloorAcrossAReopen_AndArePurgedOnceTheOutboxHasDrained()
    {
        var first = OpenStore();
        var appended = first.AppendNext(Drafts([.. Enumerable.Repeat(EventKind.Door, 40)]));
        first.Dispose();

        // As the forwarder drains: read a window, remove it; moves record floors instead of deleting each entry.
        var store = OpenStore(moveAfterDeletes: 8);
        for (var pending = store.ReadPending(5); store.Depth.Total > 10; pending = store.ReadPending(5))
        {
            store.Remove(pending);
        }

        store.WaitForBackgroundMove();
        store.Dispose();
        var (floor, stored) = FloorAndDocuments("event");

        var reopened = OpenStore(moveAfterDeletes: 8);
        Assert.Equal(new OutboxDepth(0, 10, 0), reopened.Depth);
        EntryAssert.Equal(appended.Skip(30), reopened.ReadPending(100));
        for (var pending = reopened.ReadPending(5); pending.Count > 0; pending = reopened.ReadPending(5))
        {
            reopened.Remove(pending);
        }

        reopened.WaitForBackgroundMove();
        reopened.Dispose();

        Assert.True(floor >= appended[20].Seq, $"floor {floor}: the drained stretch is below it");
        Assert.True(stored > 30, $"{stored} documents: the removed ones below the floor were not deleted one by one");
        Assert.Equal(0, FloorAndDocuments("event").Documents);
        Assert.Equal(default, OpenStore().Depth);
    }

    [Fact]
    public void Drain_LongerThanPurgeAfter_PurgesBelowTheFloorWhileTheRestStillWaits_AndAReopenReadsTheRest()
    {
        var first = OpenStore();
        var appended = first.AppendNext(Drafts([.. Enumerable.Repeat(EventKind.Door, 60)]));
        first.Dispose();

        // A backlog that never drains to empty (a school whose link is slow for days): the purge may not wait for it.
        var store = new LiteDbOutboxStore(DataPath, _identity, NullLogger<LiteDbOutboxStore>.Instance, openFile: null, limits: null, _time) { MoveAfterDeletes = 8, PurgeAfter = 16 };
        _stores.Add(store);
        store.Open();
        for (var pending = store.ReadPending(5); store.Depth.Total > 20; pending = store.ReadPending(5))
        {
            store.Remove(pending);
        }

        store.WaitForBackgroundMove();
        EntryAssert.Equal(appended.Skip(40), store.ReadPending(100));
        store.Dispose();
        var (floor, stored) = FloorAndDocuments("event");

        Assert.True(floor >= appended[23].Seq, $"floor {floor}: the drained stretch is below it");
        Assert.True(stored < 60 - 16, $"{stored} documents: a move purged below the floor before the outbox drained");
        Assert.True(stored >= 20, $"{stored} documents: the waiting entries are still there");
        var reopened = OpenStore();
        Assert.Equal(new OutboxDepth(0, 20, 0), reopened.Depth);
        EntryAssert.Equal(appended.Skip(40), reopened.ReadPending(100));
    }

    [Fact]
    public void Move_OfAnEntryAppendedLateBelowTheFloor_LowersTheFloor_AndTheEntryIsReadBeforeAndAfterAReopen()
    {
        var store = OpenStore(moveAfterEntries: 4, moveAfterDeletes: 3);
        var moved = Append(store, 10, Drafts(EventKind.Door, EventKind.Door, EventKind.Door, EventKind.Door));
        store.WaitForBackgroundMove();
        store.Remove([moved[0], moved[1]]);
        EntryAssert.Equal([moved[2], moved[3]], store.ReadPending(10));
        store.Remove([moved[2]]);
        store.WaitForBackgroundMove();
        store.Dispose();
        var floorBefore = FloorAndDocuments("event").Floor;

        // A held event's append comes late with its low seq (issue 12), below the removed entries and the floor.
        store = OpenStore(moveAfterEntries: 4, moveAfterDeletes: 3);
        var late = Append(store, 5, Drafts(EventKind.Door));
        var next = Append(store, 14, Drafts(EventKind.Door, EventKind.Door, EventKind.Door));
        store.WaitForBackgroundMove();
        EntryAssert.Equal([late[0], moved[3], .. next], store.ReadPending(10));
        store.Dispose();

        Assert.True(floorBefore >= moved[1].Seq, $"floor {floorBefore}");
        Assert.True(FloorAndDocuments("event").Floor < late[0].Seq, "the floor went under the late entry");
        var reopened = OpenStore();
        EntryAssert.Equal([late[0], moved[3], .. next], reopened.ReadPending(10));
        Assert.Equal(new OutboxDepth(0, 5, 0), reopened.Depth);
    }

    [Fact]
    public void RestoreSetAside_OfAnEntryBelowTheFloor_PutsItBackWhereReadsSeeIt()
    {
        var first = OpenStore();
        var appended = first.AppendNext(Drafts([.. Enumerable.Repeat(EventKind.Door, 10)]));
        first.Dispose();
        var store = OpenStore(moveAfterDeletes: 5);
        EntryAssert.Equal(appended, store.ReadPending(10));

        // The set-aside entry leaves the lane, so the scan proves the floor over its seq.
        store.SetAside([appended[2]], "test");
        store.Remove([appended[0], appended[1], appended[3], appended[4]]);
        EntryAssert.Equal(appended.Skip(5), store.ReadPending(10));
        store.Remove([appended[5]]);
        store.WaitForBackgroundMove();

        Assert.Equal(1, store.RestoreSetAside());
        EntryAssert.Equal([appended[2], .. appended.Skip(6)], store.ReadPending(10));
        Assert.Equal(new OutboxDepth(0, 5, 0), store.Depth);
        store.Dispose();
        EntryAssert.Equal([appended[2], .. appended.Skip(6)], OpenStore().ReadPending(10));
    }

    [Fact]
    public void Open_AfterACrashWithRemovesBelowTheFloorInTheJournal_CountsEachEntryOnce()
    {
        var files = new ProbeFiles();
        var first = OpenStore(files);
        var appended = first.AppendNext(Drafts([.. Enumerable.Repeat(EventKind.Door, 20)]));
        first.Dispose();
        var second = OpenStore(files, moveAfterDeletes: 4);
        EntryAssert.Equal(appended.Take(5), second.ReadPending(5));
        second.Remove([.. appended.Take(3)]);
        EntryAssert.Equal(appended.Skip(3).Take(5), second.ReadPending(5));
        second.Remove([.. appended.Skip(3).Take(3)]);
        EntryAssert.Equal(appended.Skip(6).Take(5), second.ReadPending(5));
        Crash(second, files);

        var third = OpenStore();

        Assert.Equal(new OutboxDepth(0, 14, 0), third.Depth);
        EntryAssert.Equal(appended.Skip(6), third.ReadPending(100));
    }

    /// <summary>The lane's removal floor in meta and how many documents its collection holds (the store closed).</summary>
    private (long Floor, int Documents) FloorAndDocuments(string lane)
    {
        using var db = new LiteDB.LiteDatabase($"Filename={DataPath};Connection=direct");
        var floors = db.GetCollection("meta").FindById("removed");
        return (floors?[lane].AsInt64 ?? 0, db.GetCollection(lane).Count());
    }
}
