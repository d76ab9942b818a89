using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.Outbox.LiteDb.Tests;

/// <summary>What only a store on disk must do: survive restarts, reach the device, recover from a full disk.</summary>
public sealed partial class LiteDbOutboxStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly List<IOutboxStore> _stores = [];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly GatewayIdentity _identity;
    private readonly ITestOutputHelper _output;

    public LiteDbOutboxStoreTests(ITestOutputHelper output)
    {
        _output = output;
        _identity = new GatewayIdentity("s1", "gw1", _time);
    }

    private string DataPath => _directory.File("outbox.db");

    [Fact]
    public void Open_Reopened_PendingEntriesAndLastSeqSurviveAndSeqContinues()
    {
        var first = OpenStore();
        var appended = first.AppendNext(Drafts(EventKind.Panic, EventKind.Door, EventKind.Smoke));
        first.Remove([appended[1]]);
        first.Dispose();

        var second = OpenStore();
        var pending = second.ReadPending(10);
        var next = second.AppendNext(Drafts(EventKind.Door));

        EntryAssert.Equal([appended[0], appended[2]], pending);
        Assert.Equal(new OutboxDepth(2, 1, 0), second.Depth);
        Assert.Equal(4, next[0].Seq);
        Assert.Equal(4, second.LastSeq);
    }

    [Fact]
    public void SetAside_Reopened_EntriesSurviveAndAreNotReadUntilRestored()
    {
        var first = OpenStore();
        var appended = first.AppendNext(Drafts(EventKind.Panic, EventKind.Door, EventKind.Smoke));
        first.SetAside([appended[0], appended[1]], "PacketTooLarge");
        first.Dispose();

        var second = OpenStore();

        EntryAssert.Equal([appended[2]], second.ReadPending(10));
        Assert.Equal(2, second.SetAsideCount);
        Assert.Equal(new OutboxDepth(1, 0, 0), second.Depth);
        EntryAssert.Equal([appended[0], appended[1]], second.ReadSetAside(10).Select(s => s.Entry));
        Assert.Equal(2, second.RestoreSetAside());
        second.Dispose();

        var third = OpenStore();
        EntryAssert.Equal([appended[0], appended[2], appended[1]], third.ReadPending(10));
        Assert.Equal(0, third.SetAsideCount);
        Assert.Equal(4, third.AppendNext(Drafts(EventKind.Door))[0].Seq);
    }

    [Fact]
    public void OldestTimestamp_Reopened_IsTheAcceptanceTimeFromBeforeTheRestart()
    {
        var first = OpenStore();
        var acceptedAt = _time.GetUtcNow();
        first.AppendNext(Drafts(EventKind.Door));
        first.Dispose();
        _time.Advance(TimeSpan.FromHours(3));

        var second = OpenStore();

        Assert.Equal(acceptedAt, second.OldestTimestamp(Lane.Event));
    }

    [Fact]
    public void OldestTimestamp_AcrossLiteDbAndJournal_SkipsRemovedEntriesNotYetDeleted()
    {
        var store = OpenStore(moveAfterEntries: 2);
        var first = store.AppendNext(Drafts(EventKind.Door));
        _time.Advance(TimeSpan.FromSeconds(10));
        var secondAt = _time.GetUtcNow();
        store.AppendNext(Drafts(EventKind.Door)); // the second entry moves both into LiteDB
        _time.Advance(TimeSpan.FromSeconds(10));
        var journalledAt = _time.GetUtcNow();
        var third = store.AppendNext(Drafts(EventKind.Door)); // stays in the journal

        store.Remove(first.ToList()); // in LiteDB, deleted only by the next move
        Assert.Equal(secondAt, store.OldestTimestamp(Lane.Event));

        store.Remove(store.ReadPending(10).Where(e => e.Seq == 2).ToList());
        Assert.Equal(journalledAt, store.OldestTimestamp(Lane.Event));

        store.Remove(third.ToList());
        Assert.Null(store.OldestTimestamp(Lane.Event));
    }

    [Fact]
    public void Open_ReopenedAfterEverythingRemoved_SeqIsNotReused()
    {
        var first = OpenStore();
        var appended = first.AppendNext(Drafts(EventKind.Panic, EventKind.Door));
        first.Remove(appended.ToList());
        first.Dispose();

        var second = OpenStore();
        var lastSeqAtOpen = second.LastSeq;
        var depthAtOpen = second.Depth;
        var next = second.AppendNext(Drafts(EventKind.Door));

        Assert.Equal(2, lastSeqAtOpen);
        Assert.Equal(default, depthAtOpen);
        Assert.Equal(3, next[0].Seq);
    }

    [Fact]
    public void Append_Batch_IsOneJournalWriteAndFsyncAndLeavesLiteDbAlone()
    {
        var files = new ProbeFiles();
        var store = OpenStore(files);
        files.Clear();

        store.AppendNext([.. Drafts(EventKind.Panic, EventKind.Door), .. Telemetry(8)]);

        var events = files.Events;
        Report("append of 10", events);
        Assert.Equal(
            [new FileEvent("outbox.db.journal", FileOp.Write, events[0].Bytes), new FileEvent("outbox.db.journal", FileOp.FlushToDisk, 0)],
            events);
    }

    [Fact]
    public void Remove_AfterAFailedAppend_StartsNoMoveIntoLiteDb_UntilAnAppendSucceeds()
    {
        var first = OpenStore();
        var backlog = first.AppendNext(Drafts([.. Enumerable.Repeat(EventKind.Door, 20)]));
        first.Dispose();
        var files = new ProbeFiles();
        var store = OpenStore(files, moveAfterDeletes: 4);
        files.FailWrites = true;
        Assert.Throws<IOException>(() => store.AppendNext(Drafts(EventKind.Panic)));
        files.FailWrites = false;
        files.Clear();

        // Act: removes far past the move threshold while no append has reached the disk since the failure.
        foreach (var chunk in backlog.Take(12).Chunk(4))
        {
            store.Remove(chunk);
        }

        var whileFailing = files.Events.Where(e => e.Name != "outbox.db.journal" && e.Op is FileOp.Write or FileOp.SetLength).ToList();
        store.AppendNext(Drafts(EventKind.Panic));
        files.Clear();
        store.Remove([backlog[12]]);
        store.WaitForBackgroundMove();

        // Assert: only the journal was written; once an append succeeded, the due move runs.
        Assert.Empty(whileFailing);
        Assert.Contains(files.Events, e => e.Name == "outbox-log.db" && e.Op == FileOp.Write);
        Assert.Equal(new OutboxDepth(1, 7, 0), store.Depth);
    }

    [Fact]
    public void Move_IntoLiteDb_FlushesDataFileToDiskAfterItsLastWriteThenDropsTheMovedJournalGeneration()
    {
        var files = new ProbeFiles();
        var store = OpenStore(files, moveAfterEntries: 1);
        store.AppendNext(Drafts(EventKind.Panic));
        files.Clear();

        store.AppendNext(Drafts(EventKind.Door));
        store.WaitForBackgroundMove();

        var events = files.Events;
        Report("move of 1, then append of 1", events);
        var lastDataWrite = LastIndex(events, e => e.Name == "outbox.db" && e.Op is FileOp.Write or FileOp.SetLength);
        var lastDataFsync = LastIndex(events, e => e.Name == "outbox.db" && e.Op == FileOp.FlushToDisk);
        var lastLogChange = LastIndex(events, e => e.Name == "outbox-log.db" && e.Op is FileOp.Write or FileOp.SetLength);
        var lastLogFsync = LastIndex(events, e => e.Name == "outbox-log.db" && e.Op == FileOp.FlushToDisk);
        // The moved generation (its stream still named as opened) is closed and deleted after the move.
        var generationDropped = FirstIndex(events, e => e == new FileEvent("outbox.db.journal", FileOp.Close, 0));
        Assert.True(lastDataWrite >= 0, "the checkpoint must copy the entry into the data file");
        Assert.True(lastDataFsync > lastDataWrite, "the data file must be flushed to disk after its last write");
        Assert.True(lastLogFsync > lastLogChange, "the log file must be flushed to disk after its last change");
        Assert.True(generationDropped > Math.Max(lastDataFsync, lastLogFsync), "the moved journal generation goes only once LiteDB holds its entries on disk");
        Assert.False(File.Exists(store.JournalPath + ".moving"));
    }

    [Fact]
    public void Move_IntoLiteDb_SyncsLogBeforeCheckpointOverwritesDataFile()
    {
        var files = new ProbeFiles();
        var store = OpenStore(files, moveAfterEntries: 1);
        store.AppendNext(Drafts(EventKind.Panic));
        files.Clear();

        store.AppendNext(Drafts(EventKind.Door));
        store.WaitForBackgroundMove();

        var events = files.Events;
        var firstDataWrite = FirstIndex(events, e => e.Name == "outbox.db" && e.Op == FileOp.Write);
        var before = events.Take(firstDataWrite).ToList();
        var lastLogWrite = LastIndex(before, e => e.Name == "outbox-log.db" && e.Op == FileOp.Write);
        Assert.True(lastLogWrite >= 0, "the commit goes to the log first");
        Assert.True(
            LastIndex(before, e => e.Name == "outbox-log.db" && e.Op == FileOp.FlushToDisk) > lastLogWrite,
            "the log must be on disk before data pages are overwritten in place");
    }

    [Fact]
    public void Open_LogFileUnreadable_SetsItAsideAndKeepsAcknowledgedEntries()
    {
        var first = OpenStore();
        var appended = first.AppendNext(Drafts(EventKind.Panic, EventKind.Door));
        first.Dispose();
        var garbage = new byte[8192];
        Array.Fill(garbage, (byte)0xAB);
        File.WriteAllBytes(LiteDbOutboxStore.LogPathFor(DataPath), garbage);

        var second = OpenStore();

        EntryAssert.Equal(appended, second.ReadPending(10));
        Assert.Equal(3, second.AppendNext(Drafts(EventKind.Door))[0].Seq);
        Assert.Single(Directory.GetFiles(_directory.Path, "outbox-log.db.corrupt-*"));
    }

    [Fact]
    public void Dispose_MovesJournalIntoLiteDb_LeavingLogAndJournalEmptyAndDataFileReadableAlone()
    {
        var store = OpenStore();
        var appended = store.AppendNext(Drafts(EventKind.Panic, EventKind.Door));

        store.Dispose();
        var logLength = new FileInfo(LiteDbOutboxStore.LogPathFor(DataPath)).Length;
        var journalLength = new FileInfo(store.JournalPath).Length;
        File.Delete(LiteDbOutboxStore.LogPathFor(DataPath));
        File.Delete(store.JournalPath);
        var reopened = OpenStore();

        Assert.Equal(0, logLength);
        Assert.Equal(0, journalLength);
        EntryAssert.Equal(appended, reopened.ReadPending(10));
    }

    [Fact]
    public void Remove_OfJournalledEntries_IsOneJournalWriteWithoutFsync_AndTheyNeverReachLiteDb()
    {
        var files = new ProbeFiles();
        var store = OpenStore(files);
        var appended = store.AppendNext(Drafts(EventKind.Panic, EventKind.Door));
        files.Clear();

        store.Remove(appended.ToList());
        var afterRemove = files.Events;
        var next = store.AppendNext(Drafts(EventKind.Generic));
        var afterAppend = files.Events.Skip(afterRemove.Count).ToList();
        store.Dispose();

        // A drain must not pay an fsync per batch; a removal lost to a power cut only means a resend.
        Assert.Equal([new FileEvent("outbox.db.journal", FileOp.Write, afterRemove[0].Bytes)], afterRemove);
        Assert.Equal(FileOp.FlushToDisk, afterAppend[^1].Op);
        using var db = new LiteDB.LiteDatabase($"Filename={DataPath};Connection=direct");
        Assert.Equal(0, db.GetCollection("alarm").Count());
        Assert.Equal([next[0].Seq], db.GetCollection("event").FindAll().Select(d => d["_id"].AsInt64));
    }

    [Fact]
    public void Append_DiskFull_ThrowsIOExceptionAndRecoversWithoutConsumingSeq()
    {
        var files = new ProbeFiles();
        var store = OpenStore(files);
        var kept = store.AppendNext(Drafts(EventKind.Panic));
        var refused = Drafts(EventKind.Smoke, EventKind.Door);

        files.FailWrites = true;
        files.FailFlushes = true;
        var error = Assert.Throws<IOException>(() => store.AppendNext(refused));
        var readWhileFull = Record.Exception(() => store.ReadPending(10));
        var depthWhileFull = store.Depth;
        var lastSeqWhileFull = store.LastSeq;
        files.FailWrites = false;
        files.FailFlushes = false;
        var retried = store.AppendNext(refused);

        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        Assert.True(readWhileFull is null or IOException, $"unexpected {readWhileFull}");
        Assert.Equal(new OutboxDepth(1, 0, 0), depthWhileFull);
        Assert.Equal(1, lastSeqWhileFull);
        Assert.Equal([2L, 3L], retried.Select(e => e.Seq));
        EntryAssert.Equal([kept[0], retried[0], retried[1]], store.ReadPending(10));
        store.Dispose();
        var reopened = OpenStore();
        EntryAssert.Equal([kept[0], retried[0], retried[1]], reopened.ReadPending(10));
        Assert.Equal(3, reopened.LastSeq);
    }

    [Fact]
    public void Append_FsyncFailsAfterWrites_ThrowsAndFailedBatchIsNotKept()
    {
        var files = new ProbeFiles();
        var store = OpenStore(files);
        var kept = store.AppendNext(Drafts(EventKind.Panic));
        var refused = Drafts(EventKind.Smoke);

        // Writes go through but fsync reports the error: the batch may be in the files, yet Append threw.
        files.FailFlushes = true;
        Assert.Throws<IOException>(() => store.AppendNext(refused));
        files.FailFlushes = false;
        var pendingAfterFault = store.ReadPending(10);
        var retried = store.AppendNext(refused);

        EntryAssert.Equal([kept[0]], pendingAfterFault);
        Assert.Equal(2, retried[0].Seq);
        EntryAssert.Equal([kept[0], retried[0]], store.ReadPending(10));
        Assert.Equal(new OutboxDepth(2, 0, 0), store.Depth);
    }

    [Fact]
    public void Remove_DiskFull_ThrowsIOExceptionAndEntriesStayPending()
    {
        var files = new ProbeFiles();
        var store = OpenStore(files);
        var appended = store.AppendNext(Drafts(EventKind.Panic, EventKind.Door));

        files.FailWrites = true;
        files.FailFlushes = true;
        Assert.Throws<IOException>(() => store.Remove(appended.ToList()));
        files.FailWrites = false;
        files.FailFlushes = false;
        var pending = store.ReadPending(10);
        store.Remove(appended.ToList());

        EntryAssert.Equal(appended, pending);
        Assert.Empty(store.ReadPending(10));
        Assert.Equal(default, store.Depth);
    }

    [Fact]
    public void Open_FileAlreadyOpen_ThrowsIOExceptionNamingTheFile()
    {
        OpenStore();
        var second = CreateStore(openFile: null);

        var error = Assert.Throws<IOException>(second.Open);

        Assert.Contains(DataPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("another gateway process", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DirectoryMissing_CreatesIt()
    {
        var path = Path.Combine(_directory.Path, "a", "b", "outbox.db");
        var store = new LiteDbOutboxStore(path, _identity, NullLogger<LiteDbOutboxStore>.Instance, openFile: null);
        _stores.Add(store);

        store.Open();

        Assert.True(File.Exists(path));
        Assert.True(File.Exists(Path.Combine(_directory.Path, "a", "b", "outbox-log.db")));
    }

    [Fact]
    public void Append_BeforeOpen_ThrowsInvalidOperation()
    {
        var store = CreateStore(openFile: null);

        Assert.Throws<InvalidOperationException>(() => store.AppendNext(Drafts(EventKind.Panic)));
    }

    [Fact]
    public void Dispose_Twice_IsHarmlessAndReleasesTheFiles()
    {
        var store = OpenStore();

        store.Dispose();
        store.Dispose();
        var reopened = OpenStore();

        Assert.Throws<ObjectDisposedException>(() => store.ReadPending(1));
        Assert.Equal(0, reopened.LastSeq);
    }

    [Fact]
    public void AddLiteDbOutbox_Registered_IsSingletonLiteDbStoreAtConfiguredPath()
    {
        using var provider = new ServiceCollection()
            .AddSingleton(_identity)
            .AddLogging()
            .AddLiteDbOutbox(o => o.FilePath = DataPath)
            .BuildServiceProvider();

        var outbox = provider.GetRequiredService<IOutboxStore>();
        var concrete = provider.GetRequiredService<LiteDbOutboxStore>();

        Assert.Same(concrete, outbox);
        Assert.Same(outbox, provider.GetRequiredService<IOutboxStore>());
        Assert.Equal(DataPath, concrete.DataPath);
    }

    [Fact]
    public void Open_DataFileCorrupt_SetsItAsideStartsFreshAndSeqContinuesPastEverythingGivenOut()
    {
        var first = OpenStore();
        first.AppendNext(Drafts(EventKind.Panic, EventKind.Door, EventKind.Door));
        first.Dispose();
        var garbage = new byte[64 * 1024];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(DataPath, garbage);

        var store = OpenStore();
        var next = store.AppendNext(Drafts(EventKind.Panic));

        var recovery = Assert.IsType<OutboxRecovery>(store.Recovery);
        Assert.True(File.Exists(recovery.MovedTo));
        Assert.Equal(garbage, File.ReadAllBytes(recovery.MovedTo));
        Assert.True(recovery.LastSeqBefore >= 3);
        Assert.Equal(recovery.LastSeqBefore + 1, next[0].Seq);
        Assert.Equal(1, store.Depth.Total);
    }

    [Fact]
    public void Open_DataFileFromANewerGateway_IsRefusedAndKept()
    {
        var first = OpenStore();
        first.AppendNext(Drafts(EventKind.Panic));
        first.Dispose();
        using (var db = new LiteDB.LiteDatabase($"Filename={DataPath};Connection=direct"))
        {
            var meta = db.GetCollection("meta").FindById("outbox");
            meta["SchemaVersion"] = 99;
            db.GetCollection("meta").Update(meta);
        }

        var store = CreateStore(openFile: null);

        Assert.Throws<NotSupportedException>(store.Open);
        Assert.Null(store.Recovery);
        Assert.True(File.Exists(DataPath));
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _directory.Dispose();
    }

    private static int FirstIndex(IReadOnlyList<FileEvent> events, Func<FileEvent, bool> match)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (match(events[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static int LastIndex(IReadOnlyList<FileEvent> events, Func<FileEvent, bool> match)
    {
        for (var i = events.Count - 1; i >= 0; i--)
        {
            if (match(events[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private void Report(string what, IReadOnlyList<FileEvent> events)
    {
        foreach (var file in events.GroupBy(e => e.Name))
        {
            _output.WriteLine(
                $"{what}: {file.Key}: {file.Count(e => e.Op == FileOp.Write)} writes, " +
                $"{file.Where(e => e.Op == FileOp.Write).Sum(e => e.Bytes)} bytes, " +
                $"{file.Count(e => e.Op == FileOp.SetLength)} set-length, " +
                $"{file.Count(e => e.Op == FileOp.Flush)} flushes, {file.Count(e => e.Op == FileOp.FlushToDisk)} fsyncs");
        }

        _output.WriteLine(string.Join(" ", events.Select(e => $"{e.Name}:{e.Op}{(e.Op == FileOp.Write ? $"({e.Bytes})" : "")}")));
    }

    private LiteDbOutboxStore CreateStore(Func<string, FileStream>? openFile, int moveAfterEntries = 1000, OutboxOptions? limits = null, int moveAfterDeletes = 1024)
    {
        var store = new LiteDbOutboxStore(DataPath, _identity, NullLogger<LiteDbOutboxStore>.Instance, openFile, limits, _time) { MoveAfterEntries = moveAfterEntries, MoveAfterDeletes = moveAfterDeletes };
        _stores.Add(store);
        return store;
    }

    private LiteDbOutboxStore OpenStore(ProbeFiles? files = null, int moveAfterEntries = 1000, OutboxOptions? limits = null, int moveAfterDeletes = 1024)
    {
        var store = CreateStore(files is null ? null : files.Open, moveAfterEntries, limits, moveAfterDeletes);
        store.Open();
        return store;
    }

    private EventDraft[] Drafts(params EventKind[] kinds) => kinds
        .Select((kind, i) => new EventDraft(
            Guid.CreateVersion7(_time.GetUtcNow()).ToString(),
            $"input-{i}",
            kind,
            EventState.Active,
            _time.GetUtcNow(),
            ClockSynced: true,
            $"room {i}"))
        .ToArray();

    private EventDraft[] Telemetry(int count) => Enumerable.Range(0, count)
        .Select(i => new EventDraft(Guid.CreateVersion7(_time.GetUtcNow()).ToString(), $"sensor-{i}", EventKind.Generic, EventState.Active, _time.GetUtcNow(), ClockSynced: true, "cold room")
        {
            Lane = Lane.Telemetry,
        })
        .ToArray();
}
