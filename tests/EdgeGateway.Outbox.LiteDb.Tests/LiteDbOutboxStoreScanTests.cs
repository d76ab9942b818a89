using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;

namespace EdgeGateway.Outbox.LiteDb.Tests;

/// <summary>
/// Reads start past the removed entries at a lane's start, and removes of entries a read handed out need no lookup:
/// neither may hide an entry or count one twice.
/// </summary>
public sealed partial class LiteDbOutboxStoreTests
{
    [Fact]
    public void ReadPending_PastRemovedEntries_StillSeesAnEntryAMoveBringsInBelowThem()
    {
        var store = OpenStore(moveAfterEntries: 4);
        var moved = Append(store, 10, Drafts(EventKind.Door, EventKind.Door, EventKind.Door, EventKind.Door));
        store.WaitForBackgroundMove();
        store.Remove([moved[0], moved[1]]);
        EntryAssert.Equal([moved[2], moved[3]], store.ReadPending(10));

        // A held event's append comes late with its low seq (issue 12): once moved it sorts below the removed ones.
        var late = Append(store, 5, Drafts(EventKind.Door));
        var next = Append(store, 14, Drafts(EventKind.Door, EventKind.Door, EventKind.Door));
        store.WaitForBackgroundMove();

        EntryAssert.Equal([late[0], moved[2], moved[3], .. next], store.ReadPending(10));
        Assert.Equal(6, store.Depth.Event);
    }

    [Fact]
    public void Remove_OfAnEntrySetAsideAfterItWasRead_RemovesNothing()
    {
        var store = OpenStore(moveAfterEntries: 2);
        var moved = store.AppendNext(Drafts(EventKind.Door, EventKind.Door));
        store.WaitForBackgroundMove();
        EntryAssert.Equal(moved, store.ReadPending(10));

        store.SetAside([moved[0]], "test");
        store.Remove([moved[0]]);

        Assert.Equal(new OutboxDepth(0, 1, 0), store.Depth);
        Assert.Single(store.ReadSetAside(10));
        Assert.Equal(1, store.RestoreSetAside());
        EntryAssert.Equal(moved, store.ReadPending(10));
    }

    [Fact]
    public void Remove_OfEntriesDroppedAfterTheyWereRead_RemovesNothing()
    {
        var store = OpenStore(moveAfterEntries: 3, limits: new OutboxOptions { MaxEntries = 3 });
        var moved = store.AppendNext(Telemetry(3));
        store.WaitForBackgroundMove();
        EntryAssert.Equal(moved, store.ReadPending(10));

        // Full: the two oldest telemetry entries give way to the alarms.
        var alarms = store.AppendNext(Drafts(EventKind.Panic, EventKind.Panic));
        store.Remove([moved[0], moved[1]]);

        Assert.Equal(new OutboxDepth(2, 0, 1), store.Depth);
        EntryAssert.Equal([.. alarms, moved[2]], store.ReadPending(10));
    }

    [Fact]
    public void ReadPending_ManyTimesWhileADrainRemovesAndMoves_ReturnsWhatIsLeftInOrder()
    {
        var store = OpenStore(moveAfterEntries: 50, moveAfterDeletes: 64);
        var pending = new List<OutboxEntry>();
        for (var round = 0; round < 40; round++)
        {
            pending.AddRange(store.AppendNext(round % 5 == 0 ? Drafts(EventKind.Panic) : Drafts(EventKind.Door, EventKind.Door, EventKind.Door)));
            var read = store.ReadPending(8);
            var expected = pending.OrderBy(e => e.Lane).ThenBy(e => e.Seq).Take(8).ToList();
            EntryAssert.Equal(expected, read);
            var drained = read.Take(5).ToList();
            store.Remove(drained);
            pending.RemoveAll(e => drained.Contains(e));
        }

        store.WaitForBackgroundMove();
        EntryAssert.Equal(pending.OrderBy(e => e.Lane).ThenBy(e => e.Seq), store.ReadPending(1000));
        Assert.Equal(pending.Count, store.Depth.Total);
        store.Dispose();
        EntryAssert.Equal(pending.OrderBy(e => e.Lane).ThenBy(e => e.Seq), OpenStore().ReadPending(1000));
    }

    private static IReadOnlyList<OutboxEntry> Append(LiteDbOutboxStore store, long firstSeq, EventDraft[] drafts) =>
        store.Append([.. drafts.Select((draft, i) => new NumberedDraft(firstSeq + i, draft))]);
}
