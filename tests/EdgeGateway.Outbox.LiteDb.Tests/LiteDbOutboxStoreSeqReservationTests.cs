using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Outbox.LiteDb.Tests;

/// <summary>Seqs the writer gave out, also to events held only in memory (the disk refused them), are not given out again after a kill.</summary>
public sealed partial class LiteDbOutboxStoreTests
{
    [Fact]
    public void EventsHeldInMemoryOnARefusingDisk_ThenAKill_TheirSeqsAreNotGivenOutAgain()
    {
        // Three stored, then the disk refuses every append: a press is held in memory with seq 4 (and may reach the
        // center from there), the storage fault with seq 5.
        var files = new ProbeFiles();
        var first = OpenStore(files);
        var refusing = new FaultyOutboxStore(first);
        var writer = Writer(refusing);
        writer.Write(Drafts(EventKind.Door, EventKind.Door, EventKind.Door));
        refusing.FailUntilHealed(StoreCall.Append, new IOException("No space left on device"));
        var held = Assert.Single(writer.Write(Drafts(EventKind.Panic)));
        Assert.Equal(4, held.Seq);
        Assert.Equal(3, first.LastSeq);

        // Killed while they are held: nothing more reaches the disk.
        Crash(first, files);

        // Started again: the store holds three, but the new writer's seqs continue above what was given out from memory.
        var second = OpenStore();
        Assert.Equal(3, second.LastSeq);
        Assert.True(second.ReservedSeq >= 5);
        Assert.True(Assert.Single(Writer(second).Write(Drafts(EventKind.Panic))).Seq > 5);
    }

    [Fact]
    public void OpenThatFails_SeqGivenOutFromMemoryIsAboveEveryStoredOne_AndIsNotGivenOutAgain()
    {
        // Three written (in the journal, not yet moved into LiteDB), then a start on which the journal cannot be
        // opened (a full disk): the store's last seq is unknown, the reservation is not.
        var first = OpenStore();
        Writer(first).Write(Drafts(EventKind.Door, EventKind.Door, EventKind.Door));
        first.Dispose();
        var journal = first.JournalPath;
        var failing = CreateStore(path => path == journal ? throw new IOException("No space left on device") : LiteDbOutboxStore.OpenExclusive(path));
        Assert.ThrowsAny<IOException>(failing.Open);

        var held = Assert.Single(Writer(failing).Write(Drafts(EventKind.Panic)));
        failing.Dispose();

        Assert.True(held.Seq > 3, $"the press held while the open failed got seq {held.Seq}, which the journal already gave out");
        var reopened = OpenStore();
        Assert.True(Assert.Single(Writer(reopened).Write(Drafts(EventKind.Panic))).Seq > held.Seq);
    }

    [Fact]
    public void ReserveSeq_WritesInPlace_IntoTheFileAllocatedAtOpen_TheLastRecordCounts()
    {
        var store = OpenStore();
        var held = new FileInfo(_directory.File("outbox.db.held"));
        Assert.Equal(SeqReservation.FileSize, held.Length);

        store.ReserveSeq(7);
        store.ReserveSeq(5);
        store.Dispose();

        Assert.Equal(SeqReservation.FileSize, new FileInfo(held.FullName).Length);
        Assert.Equal(5, CreateStore(LiteDbOutboxStore.OpenExclusive).ReservedSeq);
        Assert.Equal(0, OpenStore().LastSeq);
    }

    private OutboxWriter Writer(IOutboxStore store) =>
        new(store, new UnwrittenEntries(), new OutboxSignal(), _identity, new SyncedClock(), _time, NullLogger<OutboxWriter>.Instance);

    private sealed class SyncedClock : IClockSync
    {
        public bool IsSynchronized => true;
    }
}
