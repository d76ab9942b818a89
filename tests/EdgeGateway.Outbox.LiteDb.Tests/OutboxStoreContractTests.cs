using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Outbox.LiteDb.Tests;

/// <summary>The <see cref="IOutboxStore"/> contract; every store runs it through a subclass.</summary>
public abstract class OutboxStoreContractTests : IDisposable
{
    private readonly List<IOutboxStore> _stores = [];

    protected OutboxStoreContractTests()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        Identity = new GatewayIdentity("s1", "gw1", Time);
    }

    protected FakeTimeProvider Time { get; }

    protected GatewayIdentity Identity { get; }

    [Fact]
    public void Append_SeveralBatches_SeqStartsAtOneAndIsContiguous()
    {
        var store = OpenStore();

        var first = store.AppendNext(Drafts(EventKind.Panic));
        var second = store.AppendNext(Drafts(EventKind.Door, EventKind.Smoke, EventKind.Door));
        var third = store.AppendNext(Drafts(EventKind.Generic, EventKind.Tamper));

        Assert.Equal([1L], first.Select(e => e.Seq));
        Assert.Equal([2L, 3L, 4L], second.Select(e => e.Seq));
        Assert.Equal([5L, 6L], third.Select(e => e.Seq));
        Assert.Equal(6, store.LastSeq);
    }

    [Fact]
    public void Append_KeepsTheSeqsItIsGiven_GapsIncluded_AndADraftItHoldsAlreadyIsNotStoredTwice()
    {
        var store = OpenStore();
        var drafts = Drafts(EventKind.Panic, EventKind.Door, EventKind.Smoke);

        var first = store.Append([new NumberedDraft(7, drafts[0]), new NumberedDraft(70, drafts[1])]);

        // As when an append that overran its deadline landed and the writer writes its drafts again.
        var again = store.Append([new NumberedDraft(70, drafts[1]), new NumberedDraft(71, drafts[2])]);

        Assert.Equal([7L, 70L], first.Select(e => e.Seq));
        Assert.Equal([70L, 71L], again.Select(e => e.Seq));
        Assert.Equal(71, store.LastSeq);
        var pending = store.ReadPending(10);
        Assert.Equal([7L, 70L, 71L], pending.Select(e => e.Seq).Order());
        Assert.Equal(drafts.Select(d => d.Id), pending.OrderBy(e => e.Seq).Select(e => e.EventId));
        Assert.Equal(3, store.Depth.Total);
        Assert.All(pending, e => Assert.Equal(e.Seq, System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public void LastSeq_NewStore_IsZero()
    {
        var store = OpenStore();

        Assert.Equal(0, store.LastSeq);
        Assert.Equal(default, store.Depth);
        Assert.Empty(store.ReadPending(10));
    }

    [Fact]
    public void Append_EmptyBatch_ReturnsEmptyAndConsumesNoSeq()
    {
        var store = OpenStore();

        var entries = store.AppendNext([]);
        var next = store.AppendNext(Drafts(EventKind.Door));

        Assert.Empty(entries);
        Assert.Equal(1, next[0].Seq);
    }

    [Fact]
    public void Append_Drafts_EntriesCarryIdLaneAndTopicLeaf()
    {
        var store = OpenStore();
        var drafts = Drafts(EventKind.Panic, EventKind.Door);

        var entries = store.AppendNext(drafts);

        Assert.Equal(drafts[0].Id, entries[0].EventId);
        Assert.Equal(Lane.Alarm, entries[0].Lane);
        Assert.Equal("alarm", entries[0].TopicLeaf);
        Assert.Equal(drafts[1].Id, entries[1].EventId);
        Assert.Equal(Lane.Event, entries[1].Lane);
        Assert.Equal("event", entries[1].TopicLeaf);
    }

    [Fact]
    public void ReadPending_MixedLanes_ReturnsAlarmsFirstThenEventsInSeqOrder()
    {
        var store = OpenStore();
        store.AppendNext(Drafts(EventKind.Door, EventKind.Panic));
        store.AppendNext(Drafts(EventKind.Generic, EventKind.Smoke, EventKind.Intrusion));

        var pending = store.ReadPending(100);

        Assert.Equal([2L, 4L, 5L, 1L, 3L], pending.Select(e => e.Seq));
        Assert.Equal([Lane.Alarm, Lane.Alarm, Lane.Alarm, Lane.Event, Lane.Event], pending.Select(e => e.Lane));
    }

    [Fact]
    public void ReadPending_MaxBelowPending_ReturnsAtMostMaxInPriorityOrder()
    {
        var store = OpenStore();
        store.AppendNext(Drafts(EventKind.Door, EventKind.Door, EventKind.Panic, EventKind.Door, EventKind.Panic));

        var two = store.ReadPending(2);
        var three = store.ReadPending(3);
        var none = store.ReadPending(0);

        Assert.Equal([3L, 5L], two.Select(e => e.Seq));
        Assert.Equal([3L, 5L, 1L], three.Select(e => e.Seq));
        Assert.Empty(none);
    }

    [Fact]
    public void ReadPending_Twice_DoesNotRemoveEntries()
    {
        var store = OpenStore();
        store.AppendNext(Drafts(EventKind.Panic));

        store.ReadPending(10);
        var again = store.ReadPending(10);

        Assert.Single(again);
    }

    [Fact]
    public void Remove_SomeEntries_RemovesOnlyThose()
    {
        var store = OpenStore();
        var entries = store.AppendNext(Drafts(EventKind.Panic, EventKind.Door, EventKind.Smoke, EventKind.Door));

        store.Remove([entries[0], entries[3]]);

        Assert.Equal([3L, 2L], store.ReadPending(10).Select(e => e.Seq));
    }

    [Fact]
    public void Depth_AfterAppendAndRemove_CountsPerLane()
    {
        var store = OpenStore();
        var entries = store.AppendNext(Drafts(EventKind.Panic, EventKind.Door, EventKind.Smoke, EventKind.Door, EventKind.Generic));

        var afterAppend = store.Depth;
        store.Remove([entries[0], entries[1]]);
        var afterRemove = store.Depth;

        Assert.Equal(new OutboxDepth(2, 3, 0), afterAppend);
        Assert.Equal(new OutboxDepth(1, 2, 0), afterRemove);
        Assert.Equal(3, afterRemove.Total);
    }

    [Fact]
    public void OldestTimestamp_EmptyLanes_IsNull()
    {
        var store = OpenStore();
        store.AppendNext(Drafts(EventKind.Door));

        Assert.Null(store.OldestTimestamp(Lane.Alarm));
        Assert.Null(store.OldestTimestamp(Lane.Telemetry));
    }

    [Fact]
    public void OldestTimestamp_PerLane_IsTheOldestWaitingEntrysTimestamp_AndMovesOnWhenItIsRemoved()
    {
        var store = OpenStore();
        var first = Time.GetUtcNow();
        var doors = store.AppendNext(Drafts(EventKind.Door));
        Time.Advance(TimeSpan.FromSeconds(12.5));
        store.AppendNext(Drafts(EventKind.Panic, EventKind.Door));
        var second = Time.GetUtcNow();
        Time.Advance(TimeSpan.FromMinutes(1));
        store.AppendNext(Telemetry(1));

        Assert.Equal(second, store.OldestTimestamp(Lane.Alarm));
        Assert.Equal(first, store.OldestTimestamp(Lane.Event));
        Assert.Equal(second.AddMinutes(1), store.OldestTimestamp(Lane.Telemetry));

        store.Remove(doors);

        Assert.Equal(second, store.OldestTimestamp(Lane.Event));
    }

    [Fact]
    public void OldestTimestamp_AfterOldestTelemetryDropped_IsTheOldestKept()
    {
        var store = OpenStore(new OutboxOptions { TelemetryTtlHours = 1 });
        store.AppendNext(Telemetry(2));
        Time.Advance(TimeSpan.FromHours(2));
        var kept = Time.GetUtcNow();

        store.AppendNext(Telemetry(1));

        Assert.Equal(kept, store.OldestTimestamp(Lane.Telemetry));
    }

    [Fact]
    public void OldestTimestamp_NotALane_Throws()
    {
        var store = OpenStore();

        Assert.Throws<ArgumentOutOfRangeException>(() => store.OldestTimestamp((Lane)7));
    }

    [Fact]
    public void ReadPending_AfterAppend_PayloadBytesRoundTripExactly()
    {
        var store = OpenStore();
        var drafts = Drafts(EventKind.Panic, EventKind.Door);
        drafts[1] = drafts[1] with { Location = "Gebäude B / 2. OG – \"Lehrerzimmer\" 🚪" };

        var entries = store.AppendNext(drafts);
        var pending = store.ReadPending(10);

        Assert.Equal(EventPayload.Serialize(drafts[0], 1, Identity), pending[0].Payload);
        Assert.Equal(EventPayload.Serialize(drafts[1], 2, Identity), pending[1].Payload);
        Assert.Equal(entries[0].Payload, pending[0].Payload);
        Assert.Equal(entries[1].Payload, pending[1].Payload);
        EntryAssert.Equal(entries, pending);
    }

    [Fact]
    public void Remove_UnknownEntries_IsHarmless()
    {
        var store = OpenStore();
        var entries = store.AppendNext(Drafts(EventKind.Panic, EventKind.Door));
        var unknownSeq = entries[0] with { Seq = 99 };
        var otherEvent = entries[1] with { EventId = "someone-else" };
        var wrongLane = entries[0] with { Lane = Lane.Telemetry };

        store.Remove([unknownSeq, otherEvent, wrongLane]);
        store.Remove([]);
        store.Remove([entries[0]]);
        store.Remove([entries[0]]);

        EntryAssert.Equal([entries[1]], store.ReadPending(10));
        Assert.Equal(new OutboxDepth(0, 1, 0), store.Depth);
    }

    [Fact]
    public void Append_ManyThreadsAtOnce_WhileOthersRead_KeepsEverySeq()
    {
        const int Threads = 8;
        const int BatchesPerThread = 10;
        var store = OpenStore();
        var batches = new IReadOnlyList<OutboxEntry>[Threads * BatchesPerThread];
        var numbering = new Lock();

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            for (var b = 0; b < BatchesPerThread; b++)
            {
                if (t % 2 == 0)
                {
                    // Numbered and appended in one step, as the writer does under its lock.
                    lock (numbering)
                    {
                        batches[(t * BatchesPerThread) + b] = store.AppendNext(Drafts(EventKind.Door, EventKind.Panic));
                    }
                }
                else
                {
                    Assert.True(store.ReadPending(1000).Count <= store.Depth.Total + 2);
                    batches[(t * BatchesPerThread) + b] = [];
                }
            }
        });

        var appended = Threads / 2 * BatchesPerThread * 2;
        var seqs = batches.SelectMany(b => b).Select(e => e.Seq).Order().ToList();
        Assert.Equal(Enumerable.Range(1, appended).Select(i => (long)i), seqs);
        Assert.Equal(seqs, store.ReadPending(1000).Select(e => e.Seq).Order());
        Assert.Equal(appended, store.LastSeq);
        Assert.Equal(appended, store.Depth.Total);
    }

    [Fact]
    public void Append_PastMaxEntries_DropsOldestTelemetryThenOldestEvents_NeverAlarms()
    {
        var store = OpenStore(new OutboxOptions { MaxEntries = 100 });
        var alarms = store.AppendNext(Drafts([.. Enumerable.Repeat(EventKind.Panic, 60)]));
        var events = store.AppendNext(Drafts([.. Enumerable.Repeat(EventKind.Door, 30)]));
        var telemetry = store.AppendNext(Telemetry(10));

        var later = store.AppendNext(Drafts([.. Enumerable.Repeat(EventKind.Door, 15)]));

        Assert.Equal(new OutboxDepth(60, 40, 0), store.Depth);
        Assert.Equal(new OutboxDrops(5, 10), store.Dropped);
        var pending = store.ReadPending(1000);
        Assert.Equal(alarms.Select(e => e.Seq), pending.Take(60).Select(e => e.Seq));
        Assert.Equal(events.Skip(5).Concat(later).Select(e => e.Seq), pending.Skip(60).Select(e => e.Seq));
        Assert.DoesNotContain(pending, e => telemetry.Any(t => t.Seq == e.Seq));
    }

    [Fact]
    public void Append_OnlyAlarmsPastMaxEntries_KeepsEveryAlarm()
    {
        var store = OpenStore(new OutboxOptions { MaxEntries = 100 });

        store.AppendNext(Drafts([.. Enumerable.Repeat(EventKind.Panic, 150)]));

        Assert.Equal(150, store.Depth.Alarm);
        Assert.Equal(0, store.Dropped.Total);
    }

    [Fact]
    public void Append_TelemetryOlderThanTtl_IsDroppedButOldAlarmsAndEventsStay()
    {
        var store = OpenStore(new OutboxOptions { TelemetryTtlHours = 1 });
        store.AppendNext(Telemetry(3));
        store.AppendNext(Drafts(EventKind.Panic, EventKind.Door));
        Time.Advance(TimeSpan.FromHours(2));

        var fresh = store.AppendNext(Telemetry(1));

        Assert.Equal(new OutboxDepth(1, 1, 1), store.Depth);
        Assert.Equal(new OutboxDrops(0, 3), store.Dropped);
        Assert.Equal(fresh[0].Seq, store.ReadPending(10).Single(e => e.Lane == Lane.Telemetry).Seq);
        Assert.Equal("telemetry", fresh[0].TopicLeaf);
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void SetAside_PoisonAtTheHeadOfALane_IsNoLongerReadAndTheEntriesBehindItAre()
    {
        var store = OpenStore();
        var entries = store.AppendNext(Drafts(EventKind.Panic, EventKind.Door, EventKind.Panic, EventKind.Door));

        var setAside = store.SetAside([entries[0], entries[1]], "PacketTooLarge");

        EntryAssert.Equal([entries[0], entries[1]], setAside);
        EntryAssert.Equal([entries[2], entries[3]], store.ReadPending(10));
        Assert.Equal(2, store.SetAsideCount);
        Assert.Equal(new OutboxDepth(1, 1, 0), store.Depth);
        var read = store.ReadSetAside(10);
        EntryAssert.Equal([entries[0], entries[1]], read.Select(r => r.Entry));
        Assert.All(read, r => Assert.Equal("PacketTooLarge", r.Reason));
    }

    [Fact]
    public void SetAside_UnknownRemovedOrAlreadySetAside_IsIgnored()
    {
        var store = OpenStore();
        var entries = store.AppendNext(Drafts(EventKind.Panic, EventKind.Door));
        store.Remove([entries[1]]);
        store.SetAside([entries[0]], "NotAuthorized");

        var again = store.SetAside([entries[0], entries[1], entries[0] with { Seq = 99 }], "QuotaExceeded");

        Assert.Empty(again);
        Assert.Equal(1, store.SetAsideCount);
        Assert.Equal("NotAuthorized", store.ReadSetAside(10).Single().Reason);
    }

    [Fact]
    public void RestoreSetAside_PutsEntriesBackAtTheirPlaceBySeq()
    {
        var store = OpenStore();
        var entries = store.AppendNext(Drafts(EventKind.Door, EventKind.Door, EventKind.Door));
        store.SetAside([entries[0]], "PacketTooLarge");
        var later = store.AppendNext(Drafts(EventKind.Door));

        var restored = store.RestoreSetAside();

        Assert.Equal(1, restored);
        Assert.Equal(0, store.SetAsideCount);
        Assert.Empty(store.ReadSetAside(10));
        EntryAssert.Equal([entries[0], entries[1], entries[2], later[0]], store.ReadPending(10));
        Assert.Equal(4, store.Depth.Event);
        Assert.Equal(0, store.RestoreSetAside());
    }

    [Fact]
    public void SetAside_RestoredEntry_CanBeRemovedAfterItsPuback()
    {
        var store = OpenStore();
        var entries = store.AppendNext(Drafts(EventKind.Panic));
        store.SetAside(entries.ToList(), "PacketTooLarge");
        store.RestoreSetAside();

        store.Remove(entries.ToList());

        Assert.Empty(store.ReadPending(10));
        Assert.Equal(default, store.Depth);
        Assert.Equal(0, store.SetAsideCount);
    }

    protected abstract IOutboxStore CreateStore(OutboxOptions limits);

    protected IOutboxStore OpenStore(OutboxOptions? limits = null)
    {
        var store = CreateStore(limits ?? new OutboxOptions());
        _stores.Add(store);
        store.Open();
        return store;
    }

    protected EventDraft[] Drafts(params EventKind[] kinds) => kinds
        .Select((kind, i) => new EventDraft(
            Guid.CreateVersion7(Time.GetUtcNow()).ToString(),
            $"input-{i}",
            kind,
            EventState.Active,
            Time.GetUtcNow(),
            ClockSynced: true,
            $"room {i}"))
        .ToArray();

    protected EventDraft[] Telemetry(int count) => Enumerable.Range(0, count)
        .Select(i => new EventDraft(Guid.CreateVersion7(Time.GetUtcNow()).ToString(), $"sensor-{i}", EventKind.Generic, EventState.Active, Time.GetUtcNow(), ClockSynced: true, "cold room")
        {
            Lane = Lane.Telemetry,
        })
        .ToArray();

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var store in _stores)
            {
                store.Dispose();
            }
        }
    }
}
