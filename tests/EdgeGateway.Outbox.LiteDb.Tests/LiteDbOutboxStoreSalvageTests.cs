using EdgeGateway.Core.Events;
using EdgeGateway.TestKit;
using LiteDB;

namespace EdgeGateway.Outbox.LiteDb.Tests;

/// <summary>Salvage rather than loss: a bad journal frame in the middle, a LiteDB document that cannot be read, both seq records lost.</summary>
public sealed partial class LiteDbOutboxStoreTests
{
    [Fact]
    public void Open_BadFrameInTheMiddleOfTheJournal_DropsOnlyThatFrame_KeepsEveryLaterOne_AndReportsIt()
    {
        // Arrange: three appends, three frames; a bit flipped inside the second.
        var files = new ProbeFiles();
        var first = OpenStore(files);
        var before = first.AppendNext(Drafts(EventKind.Panic));
        var firstFrameEnd = new FileInfo(first.JournalPath).Length;
        first.AppendNext(Drafts(EventKind.Door));
        var after = first.AppendNext(Drafts(EventKind.Smoke, EventKind.Door));
        Crash(first, files);
        var journal = File.ReadAllBytes(_directory.File("outbox.db.journal"));
        journal[firstFrameEnd + 20] ^= 0x40;
        File.WriteAllBytes(_directory.File("outbox.db.journal"), journal);

        // Act
        var second = OpenStore();

        // Assert
        EntryAssert.Equal([before[0], after[0], after[1]], [.. second.ReadPending(10).OrderBy(e => e.Seq)]);
        Assert.Equal(4, second.LastSeq);
        Assert.Equal(5, second.AppendNext(Drafts(EventKind.Door))[0].Seq);
        var recovery = Assert.IsType<Core.Outbox.OutboxRecovery>(second.Recovery);
        Assert.Contains("journal", recovery.Reason, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_directory.Path, "outbox.db.journal.damaged-*"));
        Assert.Empty(Directory.GetFiles(_directory.Path, "outbox.db.journal.torn-*"));
    }

    [Fact]
    public void ReadPending_ADocumentCannotBeRead_SkipsIt_ReportsIt_AndReadsTheRest()
    {
        // Arrange: entries moved into LiteDB, then one document loses its payload.
        var store = OpenStore();
        var appended = store.AppendNext(Drafts(EventKind.Panic, EventKind.Smoke, EventKind.Intrusion));
        store.Dispose();
        using (var db = new LiteDatabase(new ConnectionString { Filename = DataPath, Connection = ConnectionType.Direct }))
        {
            var alarms = db.GetCollection("alarm");
            var doc = alarms.FindById(appended[1].Seq);
            doc.Remove("Payload");
            alarms.Update(doc);
        }

        var reopened = OpenStore();

        // Act
        var read = reopened.ReadPending(10);

        // Assert
        EntryAssert.Equal([appended[0], appended[2]], read);
        Assert.Equal(2, reopened.Depth.Alarm);
        var recovery = Assert.IsType<Core.Outbox.OutboxRecovery>(reopened.Recovery);
        Assert.Contains($"alarm {appended[1].Seq}: Payload missing", recovery.Reason, StringComparison.Ordinal);
        EntryAssert.Equal([appended[0], appended[2]], reopened.ReadPending(10));
    }

    [Fact]
    public void Open_DataFileAndSeqSidecarBothLost_SeqContinuesAboveEveryEarlierSeq()
    {
        // Arrange
        var first = OpenStore();
        var earlier = first.AppendNext(Drafts(EventKind.Panic, EventKind.Door));
        first.Dispose();
        File.Delete(DataPath);
        File.Delete(DataPath + ".seq");

        // Act
        var second = OpenStore();
        var next = Assert.Single(second.AppendNext(Drafts(EventKind.Panic)));

        // Assert: a floor from the time (the clock, or the leftover journal's mtime if later), above every earlier seq.
        Assert.True(next.Seq > earlier[^1].Seq);
        Assert.True(next.Seq > _time.GetUtcNow().ToUnixTimeMilliseconds(), $"seq {next.Seq}");
    }

    [Fact]
    public void Open_NewDirectory_SeqStartsAtOne()
    {
        Assert.Equal(1, Assert.Single(OpenStore().AppendNext(Drafts(EventKind.Panic))).Seq);
    }
}
