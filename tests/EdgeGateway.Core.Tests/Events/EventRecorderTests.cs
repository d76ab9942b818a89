using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Tests.Support;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Events;

public class EventRecorderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 5, 13, 56, 123, TimeSpan.Zero));
    private readonly InMemoryOutboxStore _store;
    private readonly RecordingLogger<OutboxWriter> _logger = new();
    private readonly UnwrittenEntries _unwritten = new();
    private readonly OutboxWriter _writer;
    private readonly EventRecorder _recorder;

    public EventRecorderTests()
    {
        var identity = TestIdentity.Create(_time);
        _store = new InMemoryOutboxStore(identity);
        var clock = new FixedClockSync(false);
        _writer = new OutboxWriter(_store, _unwritten, new OutboxSignal(), identity, clock, _time, _logger);
        _recorder = new EventRecorder(_writer, identity, clock, _time);
    }

    [Fact]
    public void Record_StoreAccepts_ReturnsEntriesStampedWithClock()
    {
        // Arrange
        var transitions = Transitions(EventKind.Panic);

        // Act
        var entries = _recorder.Record(transitions);

        // Assert
        var entry = Assert.Single(entries);
        Assert.Equal(1, entry.Seq);
        var draft = Assert.Single(_store.Accepted);
        Assert.Equal(_time.GetUtcNow(), draft.Timestamp);
        Assert.False(draft.ClockSynced);
        Assert.Equal(draft.Id, entry.EventId);
        Assert.True(Guid.TryParse(draft.Id, out var id) && id.Version == 7, "event ids are version 7 GUIDs");
        Assert.False(_writer.IsStorageFaulted);
    }

    [Fact]
    public void Record_StoreRefuses_KeepsEventsInMemoryWithTheirFutureSeq_AndAddsAStorageFault()
    {
        // Arrange
        _store.FailNextAppend(new IOException("No space left on device"));

        // Act
        var entries = _recorder.Record(Transitions(EventKind.Panic, EventKind.Door));

        // Assert: the caller gets its two events; the forwarder can send them and the fault from memory.
        Assert.Equal([1L, 2L], entries.Select(e => e.Seq));
        Assert.True(_writer.IsStorageFaulted);
        Assert.Empty(_store.Accepted);
        var pending = _unwritten.Pending;
        Assert.Equal([1L, 3L, 2L], pending.Select(e => e.Seq));
        Assert.Contains("\"kind\":\"fault\"", System.Text.Encoding.UTF8.GetString(pending[1].Payload), StringComparison.Ordinal);
        Assert.Contains(_logger.Records, r => r.Level == LogLevel.Critical && r.EventId.Id == 1003);
    }

    [Fact]
    public void RetryUnwritten_DiskAcceptsAgain_WritesTheSameIdsAndSeqs_ThenTheRestoredFault()
    {
        // Arrange
        _store.FailNextAppend(new IOException("No space left on device"));
        var inMemory = _recorder.Record(Transitions(EventKind.Panic, EventKind.Smoke));
        var sentFromMemory = _unwritten.Pending.ToList();
        _time.Advance(TimeSpan.FromSeconds(90));

        // Act
        var done = _writer.RetryUnwritten();

        // Assert
        Assert.True(done);
        Assert.False(_writer.IsStorageFaulted);
        Assert.True(_unwritten.IsEmpty);
        var accepted = _store.Accepted;
        Assert.Equal(sentFromMemory.OrderBy(e => e.Seq).Select(e => e.EventId), accepted.Take(3).Select(d => d.Id));
        Assert.Equal(inMemory.Select(e => e.EventId), accepted.Take(2).Select(d => d.Id));
        Assert.Equal(EventKind.Fault, accepted[3].Kind);
        Assert.Equal(EventState.Restored, accepted[3].State);
        Assert.Equal("90", accepted[3].Detail!["durationSeconds"]);
        Assert.Equal(4, _store.LastSeq);
    }

    [Fact]
    public void Record_WhileStorageFaulted_NewEventsFollowTheUnwrittenOnesInOrder()
    {
        // Arrange
        _store.FailNextAppend(new IOException("No space left on device"));
        _recorder.Record(Transitions(EventKind.Panic));

        // Act: the disk accepts again by the time the next press comes.
        var next = _recorder.Record(Transitions(EventKind.Door));

        // Assert
        Assert.Equal(2 + 1, Assert.Single(next).Seq);
        Assert.Equal([EventKind.Panic, EventKind.Fault, EventKind.Door, EventKind.Fault], _store.Accepted.Select(d => d.Kind));
        Assert.Equal(4, _store.LastSeq);
    }

    [Fact]
    public void Record_TwoBatches_GetConsecutiveSeqsAndDistinctIds()
    {
        // Act
        var first = _recorder.Record(Transitions(EventKind.Smoke));
        var second = _recorder.Record(Transitions(EventKind.Smoke));

        // Assert
        Assert.Equal(1, Assert.Single(first).Seq);
        Assert.Equal(2, Assert.Single(second).Seq);
        Assert.NotEqual(first[0].EventId, second[0].EventId);
    }

    [Fact]
    public void RecordFault_IsAnAlarmLaneEventWithItsDetail()
    {
        // Act
        var entry = Assert.Single(_recorder.RecordFault("uplink", EventState.Restored, new Dictionary<string, string> { ["fault"] = "path", ["durationSeconds"] = "42" }));

        // Assert
        Assert.Equal(Lane.Alarm, entry.Lane);
        Assert.Equal("alarm", entry.TopicLeaf);
        var json = System.Text.Json.JsonDocument.Parse(entry.Payload).RootElement;
        Assert.Equal("fault", json.GetProperty("kind").GetString());
        Assert.Equal("uplink", json.GetProperty("input").GetString());
        Assert.Equal("42", json.GetProperty("detail").GetProperty("durationSeconds").GetString());
    }

    private static List<(InputChannel Channel, EventState State)> Transitions(params EventKind[] kinds) =>
        [.. kinds.Select((kind, i) => (new InputChannel(new InputOptions { Id = $"input-{i}", Pin = 5 + i, Kind = kind }), EventState.Active))];
}
