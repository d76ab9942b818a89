using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Outbox.LiteDb.Tests;

/// <summary>Seqs given to events held only in memory (the disk refused them) are not given out again after a kill.</summary>
public sealed partial class LiteDbOutboxStoreTests
{
    [Fact]
    public void EventsHeldInMemoryOnARefusingDisk_ThenAKill_TheirSeqsAreNotGivenOutAgain()
    {
        // Three stored, then the disk refuses every append: a press is held in memory with seq 4 (and may reach the
        // center from there), the storage fault with seq 5.
        var files = new ProbeFiles();
        var first = OpenStore(files);
        first.Append(Drafts(EventKind.Door, EventKind.Door, EventKind.Door));
        var refusing = new FaultyOutboxStore(first);
        refusing.FailUntilHealed(StoreCall.Append, new IOException("No space left on device"));
        var writer = new OutboxWriter(refusing, new UnwrittenEntries(), new OutboxSignal(), _identity, new SyncedClock(), _time, NullLogger<OutboxWriter>.Instance);
        var held = Assert.Single(writer.Write(Drafts(EventKind.Panic)));
        Assert.Equal(4, held.Seq);
        Assert.Equal(3, first.LastSeq);

        // Killed while they are held: nothing more reaches the disk.
        Crash(first, files);

        // Started again: seq continues above what was given out from memory.
        var second = OpenStore();
        Assert.Equal(5, second.LastSeq);
        Assert.Equal(6, second.Append(Drafts(EventKind.Panic))[0].Seq);
    }

    [Fact]
    public void OpenThatFails_SeqGivenOutFromMemoryIsAboveEveryStoredOne_AndIsNotGivenOutAgain()
    {
        // Three appended (in the journal, not yet moved into LiteDB), then a start on which the journal cannot be
        // opened (a full disk): the writer holds a press in memory with the seq after LastSeq.
        var first = OpenStore();
        first.Append(Drafts(EventKind.Door, EventKind.Door, EventKind.Door));
        first.Dispose();
        var journal = first.JournalPath;
        var failing = CreateStore(path => path == journal ? throw new IOException("No space left on device") : LiteDbOutboxStore.OpenExclusive(path));
        Assert.ThrowsAny<IOException>(failing.Open);

        var predicted = failing.LastSeq + 1;
        failing.ReserveSeq(predicted);
        failing.Dispose();

        Assert.True(predicted > 3, $"a press held before the open would get seq {predicted}, which the journal already gave out");
        var reopened = OpenStore();
        Assert.True(reopened.Append(Drafts(EventKind.Panic))[0].Seq > predicted);
    }

    [Fact]
    public void ReserveSeq_WritesInPlace_IntoTheFileAllocatedAtOpen_AndOnlyRaisesTheMark()
    {
        var store = OpenStore();
        var held = new FileInfo(_directory.File("outbox.db.held"));
        Assert.Equal(SeqReservation.FileSize, held.Length);

        store.ReserveSeq(7);
        store.ReserveSeq(5);
        store.Dispose();

        Assert.Equal(SeqReservation.FileSize, new FileInfo(held.FullName).Length);
        Assert.Equal(7, OpenStore().LastSeq);
    }

    private sealed class SyncedClock : IClockSync
    {
        public bool IsSynchronized => true;
    }
}
