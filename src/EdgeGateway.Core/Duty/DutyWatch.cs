using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Outputs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Duty;

/// <summary>
/// The lone-worker check: every <c>duty</c> input's <see cref="DutyCheckIn"/>. A missed check-in is a <c>duty-missed</c>
/// fault (alarm lane) and, with <c>CheckInSounder</c>, holds the local sounder on until the next press. Not saved across
/// a restart: the first interval runs from the start.
/// </summary>
public sealed class DutyWatch(IOptions<InputsOptions> inputs, EventRecorder recorder, TimeProvider time, ILogger<DutyWatch> logger, InputMonitor? monitor = null, LocalEscalation? escalation = null)
    : ActivationWatch(EventKind.Duty, time, logger, monitor)
{
    private readonly long _startedAt = time.GetTimestamp();
    private DutyCheckIn[] _checkIns = [];

    public IReadOnlyList<DutyCheckIn> CheckIns => _checkIns;

    private TimeSpan Mono => Time.GetElapsedTime(_startedAt);

    /// <summary>A press of duty input <paramref name="inputId"/>.</summary>
    public void CheckIn(string inputId) => Guarded(() => Activated(inputId));

    protected override bool Begin()
    {
        var now = Mono;
        _checkIns = [.. inputs.Value.Inputs.Where(i => i.Kind == EventKind.Duty).Select(i => new DutyCheckIn(i, now))];
        return _checkIns.Length > 0;
    }

    protected override void Activated(string inputId)
    {
        foreach (var checkIn in _checkIns.Where(c => c.Input.Id == inputId))
        {
            if (checkIn.Press(Time.GetUtcNow(), Mono) is { } restored)
            {
                Log.DutyResumed(logger, inputId);
                Report(checkIn, restored);
            }
        }

        Schedule();
    }

    protected override void Tick()
    {
        foreach (var checkIn in _checkIns)
        {
            if (checkIn.Tick(Mono) is { } missed)
            {
                Log.DutyMissed(logger, checkIn.Input.Id, checkIn.Input.CheckInIntervalSeconds);
                Report(checkIn, missed);
            }
        }

        Schedule();
    }

    private void Report(DutyCheckIn checkIn, NewEvent e)
    {
        recorder.Record([e]);
        if (checkIn.Input.CheckInSounder)
        {
            escalation?.Hold($"{DutyCheckIn.MissedFault}:{checkIn.Input.Id}", checkIn.IsMissed);
        }
    }

    private void Schedule()
    {
        var mono = Mono;
        Timer.Change(_checkIns.Select(c => c.NextWake(mono)).Where(w => w != Timeout.InfiniteTimeSpan).DefaultIfEmpty(Timeout.InfiniteTimeSpan).Min(), Timeout.InfiniteTimeSpan);
    }
}
