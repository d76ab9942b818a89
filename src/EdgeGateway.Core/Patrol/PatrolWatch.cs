using System.Text.Json;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Patrol;

/// <summary>
/// Watches the configured rounds: a checkpoint input's activation counts for the round under way, a round that is due
/// opens, one whose time is up is reported missed or incomplete (a <c>patrol-missed</c> fault), a completed one is a
/// <c>patrol</c> event. An <see cref="ActivationWatch"/> of the checkpoints; the rounds under way are saved in
/// <c>{DataDirectory}/patrol.json</c> at every change, so a restart takes them up. A save that fails or overruns
/// <c>Outbox:WriteDeadlineMs</c> is a <c>state-file</c> fault of source <c>patrol</c>, not a stop.
/// </summary>
public sealed class PatrolWatch : ActivationWatch
{
    public const string FileName = "patrol.json";

    /// <summary>The <c>input</c> of the watch's own faults.</summary>
    public const string Source = "patrol";

    /// <summary>The longest timer wait: a clock step is noticed this late at most.</summary>
    private static readonly TimeSpan s_longestWait = TimeSpan.FromMinutes(1);

    private readonly Lock _saving = new();
    private readonly PatrolRound[] _rounds;
    private readonly EventRecorder _recorder;
    private readonly ILogger<PatrolWatch> _logger;
    private readonly DataFile _file;
    private readonly long _startedAt;
    private bool _saveFailing;

    public PatrolWatch(
        IOptions<PatrolOptions> patrol,
        IOptions<GatewayOptions> gateway,
        IOptions<OutboxOptions> outbox,
        EventRecorder recorder,
        TimeProvider time,
        ILogger<PatrolWatch> logger,
        InputMonitor? monitor = null)
        : base(EventKind.Checkpoint, time, logger, monitor)
    {
        _recorder = recorder;
        _logger = logger;
        _rounds = [.. patrol.Value.Rounds.Select(r => new PatrolRound(r, new PatrolSchedule(PatrolSchedule.TimesOf(r) ?? [], time.LocalTimeZone)))];
        _file = new DataFile(Path.Combine(gateway.Value.DataDirectory, FileName), TimeSpan.FromMilliseconds(outbox.Value.WriteDeadlineMs), time);
        _startedAt = time.GetTimestamp();
    }

    /// <summary>The rounds and their progress.</summary>
    public IReadOnlyList<PatrolRound> Rounds => _rounds;

    /// <summary>Completes once every save started so far has returned (tests wait for it).</summary>
    public Task LastSave { get; private set; } = Task.CompletedTask;

    /// <summary>Checkpoint <paramref name="checkpoint"/> reached: counts for every round under way that has it.</summary>
    public void Reach(string checkpoint) => Guarded(() => Activated(checkpoint));

    protected override bool Begin()
    {
        if (_rounds.Length == 0)
        {
            return false;
        }

        Restore();
        return true;
    }

    protected override void Activated(string inputId)
    {
        var (wall, mono) = Now;
        var events = _rounds.SelectMany(r => r.Reach(inputId, wall, mono)).ToList();
        if (_rounds.Any(r => r.IsOpen || events.Count > 0))
        {
            Report(events);
        }
    }

    private (DateTimeOffset Wall, TimeSpan Mono) Now => (Time.GetUtcNow(), Time.GetElapsedTime(_startedAt));

    protected override void Tick()
    {
        var (wall, mono) = Now;
        var openBefore = _rounds.Count(r => r.IsOpen);
        var events = _rounds.SelectMany(r => r.Tick(wall, mono)).ToList();
        if (events.Count > 0 || _rounds.Count(r => r.IsOpen) != openBefore)
        {
            Report(events);
        }

        Timer.Change(_rounds.Min(r => r.NextWake(wall, mono, s_longestWait)), Timeout.InfiniteTimeSpan);
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
        lock (_saving)
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
}
