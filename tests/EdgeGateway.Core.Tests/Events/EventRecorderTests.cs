using EdgeGateway.Core.Tests.Support;
using EdgeGateway.Events;
using EdgeGateway.Inputs;
using EdgeGateway.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Events;

public class EventRecorderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 5, 13, 56, 123, TimeSpan.Zero));
    private readonly RecordingOutboxStore _store;
    private readonly RecordingLogger<EventRecorder> _logger = new();
    private readonly EventRecorder _recorder;

    public EventRecorderTests()
    {
        var identity = TestIdentity.Create(_time);
        _store = new RecordingOutboxStore(identity);
        _recorder = new EventRecorder(_store, new OutboxSignal(), identity, new FixedClockSync(false), _time, _logger);
    }

    [Fact]
    public async Task RecordAsync_StoreAccepts_ReturnsEntriesStampedWithClock()
    {
        // Arrange
        var transitions = Transitions(InputKind.Panic);

        // Act
        var entries = await _recorder.RecordAsync(transitions, CancellationToken.None);

        // Assert
        var entry = Assert.Single(entries);
        Assert.Equal(1, entry.Seq);
        var draft = Assert.Single(_store.Accepted);
        Assert.Equal(_time.GetUtcNow(), draft.Timestamp);
        Assert.False(draft.ClockSynced);
        Assert.Equal(draft.Id, entry.EventId);
        Assert.True(Guid.TryParse(draft.Id, out var id) && id.Version == 7, "event ids are version 7 GUIDs");
    }

    [Fact]
    public async Task RecordAsync_StoreThrowsIOExceptionOnce_AcceptsBatchAfterRetryDelay()
    {
        // Arrange
        _store.FailNextAppend(new IOException("disk full"));
        var transitions = Transitions(InputKind.Panic, InputKind.Door);

        // Act
        var recording = _recorder.RecordAsync(transitions, CancellationToken.None);
        var pendingAfterFailure = !recording.IsCompleted;
        _time.Advance(EventRecorder.WriteRetryDelay - TimeSpan.FromMilliseconds(1));
        var pendingBeforeDelay = !recording.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var entries = await recording.WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(pendingAfterFailure);
        Assert.True(pendingBeforeDelay);
        Assert.Equal([1L, 2L], entries.Select(e => e.Seq));
        Assert.Equal(2, _store.AppendCalls);
        Assert.Equal(2, _store.LastSeq);
        Assert.Equal(2, _store.Accepted.Count);
        Assert.Contains(_logger.Records, r => r.Level == LogLevel.Error && r.EventId.Id == 1003);
    }

    [Fact]
    public async Task RecordAsync_AfterRetriedBatch_NextBatchGetsNextSeqAndNewId()
    {
        // Arrange
        _store.FailNextAppend(new IOException("disk full"));
        var transitions = Transitions(InputKind.Smoke);

        // Act
        var recording = _recorder.RecordAsync(transitions, CancellationToken.None);
        _time.Advance(EventRecorder.WriteRetryDelay);
        var entries = await recording.WaitAsync(TimeSpan.FromSeconds(5));
        var second = await _recorder.RecordAsync(transitions, CancellationToken.None);

        // Assert
        Assert.Equal(1, Assert.Single(entries).Seq);
        Assert.Equal(2, Assert.Single(second).Seq);
        Assert.NotEqual(entries[0].EventId, second[0].EventId);
    }

    [Fact]
    public async Task RecordAsync_CancelledWhileRetryingEventLane_Throws()
    {
        // Arrange
        _store.FailNextAppend(new IOException("disk full"));
        using var stopping = new CancellationTokenSource();

        // Act
        var recording = _recorder.RecordAsync(Transitions(InputKind.Door), stopping.Token);
        await stopping.CancelAsync();
        _time.Advance(EventRecorder.WriteRetryDelay);

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => recording.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(_store.Accepted);
    }

    [Fact]
    public async Task RecordAsync_CancelledWhileRetryingAlarm_StillWritesAlarm()
    {
        // Arrange
        _store.FailNextAppend(new IOException("disk full"));
        using var stopping = new CancellationTokenSource();

        // Act
        var recording = _recorder.RecordAsync(Transitions(InputKind.Panic), stopping.Token);
        await stopping.CancelAsync();
        _time.Advance(EventRecorder.WriteRetryDelay);
        var entries = await recording.WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.Equal(1, Assert.Single(entries).Seq);
        Assert.Equal(InputKind.Panic, Assert.Single(_store.Accepted).Kind);
    }

    private static List<(InputChannel Channel, InputState State)> Transitions(params InputKind[] kinds) =>
        [.. kinds.Select((kind, i) => (new InputChannel(new InputOptions { Id = $"input-{i}", Pin = 5 + i, Kind = kind }), InputState.Active))];
}
