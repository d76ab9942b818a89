using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Tests.Support;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Inputs;

public sealed class InputMonitorTests : IAsyncDisposable
{
    private const int PanicPin = 17;
    private const int DoorPin = 27;

    private readonly TimerAwareTimeProvider _time = new();
    private readonly FakeInputLines _lines = new();
    private readonly InMemoryOutboxStore _store;
    private readonly InputMonitor _monitor;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(10));
    private readonly List<(string Input, EventState State)> _transitions = [];
    private readonly Lock _gate = new();
    private readonly List<(Func<string, EventState, bool> Match, TaskCompletionSource Done)> _waiters = [];

    public InputMonitorTests()
    {
        var identity = TestIdentity.Create(_time);
        _store = new InMemoryOutboxStore(identity);
        var clock = new FixedClockSync(true);
        var writer = new OutboxWriter(_store, new UnwrittenEntries(), new OutboxSignal(), identity, clock, _time, NullLogger<OutboxWriter>.Instance);
        var recorder = new EventRecorder(writer, identity, clock, _time);
        var inputs = new InputsOptions
        {
            Inputs =
            [
                new() { Id = "office-panic", Pin = PanicPin, Kind = EventKind.Panic, Location = "Main office, desk 2" },
                new() { Id = "gym-door", Pin = DoorPin, Kind = EventKind.Door, Contact = ContactType.NC, Location = "Gym east door" },
            ],
        };
        _monitor = new InputMonitor(
            _lines, recorder, Options.Create(inputs), Options.Create(new GpioOptions()), _time,
            NullLogger<InputMonitor>.Instance, new LivenessRegistry(_time));
        _monitor.Transitioned += OnTransitioned;
    }

    [Fact]
    public async Task StartAsync_ButtonPressed_StoresOneActiveAlarm()
    {
        // Arrange
        await StartAsync();
        var active = WhenTransition("office-panic", EventState.Active);

        // Act
        _lines.Set(PanicPin, false);
        await _time.RunUntilAsync(active, _timeout.Token);
        await _time.RunForAsync(TimeSpan.FromMilliseconds(500), _timeout.Token);

        // Assert
        var draft = Assert.Single(_store.Accepted);
        Assert.Equal("office-panic", draft.Input);
        Assert.Equal(EventKind.Panic, draft.Kind);
        Assert.Equal(EventState.Active, draft.State);
        Assert.Equal("Main office, desk 2", draft.Location);
        Assert.Equal(Lane.Alarm, draft.Lane);
        Assert.Equal(1, _store.LastSeq);
    }

    [Fact]
    public async Task StartAsync_ButtonBounces_StoresOneActive()
    {
        // Arrange
        await StartAsync();
        var active = WhenTransition("office-panic", EventState.Active);

        // Act: edges in quick succession, all at the same fake instant, ending pressed.
        _lines.Set(PanicPin, false);
        _lines.Set(PanicPin, true);
        _lines.Set(PanicPin, false);
        await _time.RunUntilAsync(active, _timeout.Token);
        await _time.RunForAsync(TimeSpan.FromMilliseconds(500), _timeout.Token);

        // Assert
        Assert.Equal([("office-panic", EventState.Active)], Transitions());
        Assert.Single(_store.Accepted);
    }

    [Fact]
    public async Task StartAsync_EdgeMissed_PollReportsActive()
    {
        // Arrange
        await StartAsync();
        var active = WhenTransition("gym-door", EventState.Active);
        var before = _time.GetUtcNow();

        // Act: the NC door contact opens (line goes high) but the driver never calls back.
        _lines.SetWithoutEdge(DoorPin, true);
        await _time.RunUntilAsync(active, _timeout.Token);

        // Assert
        var draft = Assert.Single(_store.Accepted);
        Assert.Equal(("gym-door", EventKind.Door, EventState.Active), (draft.Input, draft.Kind, draft.State));
        Assert.Equal(Lane.Event, draft.Lane);
        Assert.InRange(_time.GetUtcNow() - before, TimeSpan.Zero, TimeSpan.FromMilliseconds(100 + 20));
    }

    [Fact]
    public async Task RequestReset_LatchedPanicReleased_StoresRestored()
    {
        // Arrange
        await StartAsync();
        var active = WhenTransition("office-panic", EventState.Active);
        _lines.Set(PanicPin, false);
        await _time.RunUntilAsync(active, _timeout.Token);
        _lines.Set(PanicPin, true);
        await _time.RunForAsync(TimeSpan.FromMilliseconds(300), _timeout.Token);
        var latched = Transitions();
        var restored = WhenTransition("office-panic", EventState.Restored);

        // Act
        _monitor.RequestReset("office-panic");
        await _time.RunUntilAsync(restored, _timeout.Token);

        // Assert
        Assert.Equal([("office-panic", EventState.Active)], latched);
        Assert.Equal(
            [EventState.Active, EventState.Restored],
            _store.Accepted.Select(d => d.State));
        Assert.Equal(2, _store.LastSeq);
        Assert.False(_monitor.Channels.Single(c => c.Options.Id == "office-panic").IsActive);
    }

    [Fact]
    public async Task RequestReset_ReleaseAndResetQueuedWhileRecorderRetries_StoresRestored()
    {
        // Arrange: the panic is latched, then the outbox refuses the next write so the loop sits in the recorder's retry.
        await StartAsync();
        var active = WhenTransition("office-panic", EventState.Active);
        _lines.Set(PanicPin, false);
        await _time.RunUntilAsync(active, _timeout.Token);
        _store.FailNextAppend(new IOException("disk busy"));
        var refused = new TaskCompletionSource();
        _store.AppendRefused += _ => refused.TrySetResult();
        _lines.Set(DoorPin, true);
        await _time.RunUntilAsync(refused.Task, _timeout.Token);
        var restored = WhenTransition("office-panic", EventState.Restored);

        // Act: while the loop was busy the button was released and the operator reset it; both wait in the queue.
        _lines.Set(PanicPin, true);
        _monitor.RequestReset("office-panic");
        await _time.RunUntilAsync(restored, _timeout.Token);

        // Assert
        Assert.Equal(
            [("office-panic", EventState.Active), ("gym-door", EventState.Active), ("office-panic", EventState.Restored)],
            Transitions());
        Assert.False(_monitor.Channels.Single(c => c.Options.Id == "office-panic").IsActive);
    }

    [Fact]
    public async Task RequestReset_LatchedPanicStillPressed_StoresNothing()
    {
        // Arrange
        await StartAsync();
        var active = WhenTransition("office-panic", EventState.Active);
        _lines.Set(PanicPin, false);
        await _time.RunUntilAsync(active, _timeout.Token);

        // Act
        _monitor.RequestReset(null);
        await _time.RunForAsync(TimeSpan.FromMilliseconds(300), _timeout.Token);

        // Assert
        Assert.Equal([("office-panic", EventState.Active)], Transitions());
        Assert.Single(_store.Accepted);
    }

    [Fact]
    public async Task StartAsync_InputActiveAtStart_ReportedOnce()
    {
        // Arrange: the panic button is already held down when the gateway starts.
        _lines.SetWithoutEdge(PanicPin, false);
        var active = WhenTransition("office-panic", EventState.Active);

        // Act
        await StartAsync();
        await _time.RunUntilAsync(active, _timeout.Token);
        await _time.RunForAsync(TimeSpan.FromSeconds(1), _timeout.Token);

        // Assert
        Assert.Equal([("office-panic", EventState.Active)], Transitions());
        var draft = Assert.Single(_store.Accepted);
        Assert.Equal("office-panic", draft.Input);
        Assert.True(_lines.ReadCount > 2, "the periodic poll kept reading the lines");
    }

    [Fact]
    public async Task StartAsync_Opened_OpensAllConfiguredInputs()
    {
        // Arrange, Act
        await StartAsync();

        // Assert
        Assert.NotNull(_lines.OpenedInputs);
        Assert.Equal(["office-panic", "gym-door"], _lines.OpenedInputs.Select(i => i.Id));
        Assert.Equal(["office-panic", "gym-door"], _monitor.Channels.Select(c => c.Options.Id));
    }

    public async ValueTask DisposeAsync()
    {
        await _monitor.StopAsync(CancellationToken.None);
        _monitor.Dispose();
        _timeout.Dispose();
    }

    private Task StartAsync() => _monitor.StartAsync(_timeout.Token);

    private void OnTransitioned(InputChannel channel, EventState state)
    {
        lock (_gate)
        {
            _transitions.Add((channel.Options.Id, state));
            foreach (var waiter in _waiters.Where(w => w.Match(channel.Options.Id, state)))
            {
                waiter.Done.TrySetResult();
            }
        }
    }

    private Task WhenTransition(string inputId, EventState state)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add(((id, s) => id == inputId && s == state, done));
        }

        // Completed on the monitor loop before it waits again, so RunUntilAsync sees it without racing the clock.
        return done.Task;
    }

    private List<(string Input, EventState State)> Transitions()
    {
        lock (_gate)
        {
            return [.. _transitions];
        }
    }
}
