using System.Text.Json;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Patrol;

/// <summary>
/// Watches the configured rounds: a checkpoint input's activation counts for the round under way, a round that is due
/// opens, one whose time is up is reported missed or incomplete (a <c>patrol-missed</c> fault), a completed one is a
/// <c>patrol</c> event. Driven by one timer (and the input monitor's transitions); the rounds under way are saved in
/// <c>{DataDirectory}/patrol.json</c> at every change, so a restart takes them up. A save that fails or overruns
/// <c>Outbox:WriteDeadlineMs</c> is a <c>state-file</c> fault of source <c>patrol</c>, not a stop.
/// </summary>
public sealed class PatrolWatch : IHostedService, IDisposable
{
    public const string FileName = "patrol.json";

    /// <summary>The <c>input</c> of the watch's own faults.</summary>
    public const string Source = "patrol";

    /// <summary>The longest timer wait: a clock step is noticed this late at most.</summary>
    private static readonly TimeSpan s_longestWait = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly PatrolRound[] _rounds;
    private readonly EventRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger<PatrolWatch> _logger;
    private readonly InputMonitor? _monitor;
    private readonly DataFile _file;
    private readonly long _startedAt;
    private readonly ITimer _timer;
    private bool _saveFailing;

    public PatrolWatch(
        IOptions<PatrolOptions> patrol,
        IOptions<GatewayOptions> gateway,
        IOptions<OutboxOptions> outbox,
        EventRecorder recorder,
        TimeProvider time,
        ILogger<PatrolWatch> logger,
        InputMonitor? monitor = null)
    {
        _recorder = recorder;
        _time = time;
        _logger = logger;
        _monitor = monitor;
        _rounds = [.. patrol.Value.Rounds.Select(r => new PatrolRound(r, new PatrolSchedule(PatrolSchedule.TimesOf(r) ?? [], time.LocalTimeZone)))];
        _file = new DataFile(Path.Combine(gateway.Value.DataDirectory, FileName), TimeSpan.FromMilliseconds(outbox.Value.WriteDeadlineMs), time);
        _startedAt = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Guarded(Tick), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The rounds, for health and tests.</summary>
    public IReadOnlyList<PatrolRound> Rounds => _rounds;

    /// <summary>Completes once every save started so far has returned (tests wait for it).</summary>
    public Task LastSave { get; private set; } = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_rounds.Length == 0)
        {
            return Task.CompletedTask;
        }

        Restore();
        if (_monitor is not null)
        {
            _monitor.Transitioned += OnTransition;
        }

        Guarded(Tick);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_monitor is not null)
        {
            _monitor.Transitioned -= OnTransition;
        }

        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    /// <summary>A checkpoint input became active: counts for every round under way that has it.</summary>
    public void Reach(string checkpoint) => Guarded(() =>
    {
        var (wall, mono) = Now;
        var events = _rounds.SelectMany(r => r.Reach(checkpoint, wall, mono)).ToList();
        if (_rounds.Any(r => r.IsOpen || events.Count > 0))
        {
            Report(events);
        }
    });

    public void Dispose() => _timer.Dispose();

    private (DateTimeOffset Wall, TimeSpan Mono) Now => (_time.GetUtcNow(), _time.GetElapsedTime(_startedAt));

    private void OnTransition(InputChannel channel, EventState state)
    {
        if (channel.Options.Kind == EventKind.Checkpoint && state == EventState.Active)
        {
            Reach(channel.Options.Id);
        }
    }

    private void Tick()
    {
        var (wall, mono) = Now;
        var openBefore = _rounds.Count(r => r.IsOpen);
        var events = _rounds.SelectMany(r => r.Tick(wall, mono)).ToList();
        if (events.Count > 0 || _rounds.Count(r => r.IsOpen) != openBefore)
        {
            Report(events);
        }

        _timer.Change(_rounds.Min(r => r.NextWake(wall, mono, s_longestWait)), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Records the events and saves the rounds; under the lock.</summary>
    private void Report(List<NewEvent> events)
    {
        if (events.Count > 0)
        {
            _recorder.Record(events);
            foreach (var e in events)
            {
                Log.PatrolEvent(_logger, e.Source, e.Kind, e.State, e.Detail?.GetValueOrDefault("reason") ?? "");
            }
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(_rounds.Select(r => r.Save()).ToList());
        LastSave = Task.WhenAll(LastSave, SaveAsync(bytes));
    }

    private async Task SaveAsync(byte[] bytes)
    {
        var error = await _file.SaveAsync(bytes).ConfigureAwait(false);
        lock (_lock)
        {
            if (error is not null && !_saveFailing)
            {
                Log.PatrolStateNotSaved(_logger, _file.FilePath, error);
                _recorder.RecordFault(Source, EventState.Active, new Dictionary<string, string> { ["fault"] = "state-file", ["file"] = _file.FilePath, ["error"] = error });
            }
            else if (error is null && _saveFailing)
            {
                _recorder.RecordFault(Source, EventState.Restored, new Dictionary<string, string> { ["fault"] = "state-file", ["file"] = _file.FilePath });
            }

            _saveFailing = error is not null;
        }
    }

    private void Restore()
    {
        try
        {
            if (_file.ReadOrNull() is not { } bytes)
            {
                return;
            }

            var (wall, mono) = Now;
            foreach (var state in JsonSerializer.Deserialize<List<PatrolRoundState>>(bytes) ?? [])
            {
                _rounds.FirstOrDefault(r => r.Id == state.Round)?.Restore(state, wall, mono);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            // A torn or foreign file must not stop the watch: the rounds start afresh and the next save replaces it.
            Log.PatrolStateUnreadable(_logger, _file.FilePath, ex.Message);
        }
    }

    /// <summary>Runs <paramref name="action"/> under the lock; a fault in it is logged, never thrown into the timer or the input loop.</summary>
    private void Guarded(Action action)
    {
        try
        {
            lock (_lock)
            {
                action();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.PatrolWatchFailed(_logger, ex);
        }
    }
}
