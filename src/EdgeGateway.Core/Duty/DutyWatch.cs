using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Outputs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Duty;

/// <summary>
/// The lone-worker check: every <c>duty</c> input's <see cref="DutyCheckIn"/>, on one timer and the input monitor's
/// transitions. A missed check-in is a <c>duty-missed</c> fault (alarm lane) and, with <c>CheckInSounder</c>, holds
/// the local sounder on until the next press. Not saved across a restart: the first interval runs from the start.
/// </summary>
public sealed class DutyWatch : IHostedService, IDisposable
{
    private readonly Lock _lock = new();
    private readonly EventRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger<DutyWatch> _logger;
    private readonly InputMonitor? _monitor;
    private readonly LocalEscalation? _escalation;
    private readonly IOptions<InputsOptions> _inputs;
    private readonly long _startedAt;
    private readonly ITimer _timer;
    private DutyCheckIn[] _checkIns = [];

    public DutyWatch(IOptions<InputsOptions> inputs, EventRecorder recorder, TimeProvider time, ILogger<DutyWatch> logger, InputMonitor? monitor = null, LocalEscalation? escalation = null)
    {
        _inputs = inputs;
        _recorder = recorder;
        _time = time;
        _logger = logger;
        _monitor = monitor;
        _escalation = escalation;
        _startedAt = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Guarded(Tick), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public IReadOnlyList<DutyCheckIn> CheckIns => _checkIns;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var now = Mono;
        _checkIns = [.. _inputs.Value.Inputs.Where(i => i.Kind == EventKind.Duty).Select(i => new DutyCheckIn(i, now))];
        if (_checkIns.Length > 0)
        {
            if (_monitor is not null)
            {
                _monitor.Transitioned += OnTransition;
            }

            Guarded(Tick);
        }

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

    /// <summary>A press of duty input <paramref name="inputId"/>.</summary>
    public void CheckIn(string inputId) => Guarded(() =>
    {
        foreach (var checkIn in _checkIns.Where(c => c.Input.Id == inputId))
        {
            if (checkIn.Press(_time.GetUtcNow(), Mono) is { } restored)
            {
                Log.DutyResumed(_logger, inputId);
                Report(checkIn, restored);
            }
        }

        Schedule();
    });

    public void Dispose() => _timer.Dispose();

    private TimeSpan Mono => _time.GetElapsedTime(_startedAt);

    private void OnTransition(InputChannel channel, EventState state)
    {
        if (channel.Options.Kind == EventKind.Duty && state == EventState.Active)
        {
            CheckIn(channel.Options.Id);
        }
    }

    private void Tick()
    {
        foreach (var checkIn in _checkIns)
        {
            if (checkIn.Tick(Mono) is { } missed)
            {
                Log.DutyMissed(_logger, checkIn.Input.Id, checkIn.Input.CheckInIntervalSeconds);
                Report(checkIn, missed);
            }
        }

        Schedule();
    }

    private void Report(DutyCheckIn checkIn, NewEvent e)
    {
        _recorder.Record([e]);
        if (checkIn.Input.CheckInSounder)
        {
            _escalation?.Hold($"{DutyCheckIn.MissedFault}:{checkIn.Input.Id}", checkIn.IsMissed);
        }
    }

    private void Schedule()
    {
        var mono = Mono;
        _timer.Change(_checkIns.Select(c => c.NextWake(mono)).Where(w => w != Timeout.InfiniteTimeSpan).DefaultIfEmpty(Timeout.InfiniteTimeSpan).Min(), Timeout.InfiniteTimeSpan);
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
            Log.DutyWatchFailed(_logger, ex);
        }
    }
}
