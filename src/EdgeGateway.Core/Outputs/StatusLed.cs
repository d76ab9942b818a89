using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Downlink.Commands;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Outputs;

/// <summary>What the status LED tells the guard, most urgent last.</summary>
public enum LedIndication
{
    /// <summary>Connected, nothing waiting: a short heartbeat blip.</summary>
    Idle,

    /// <summary>The center's test mode is on (and nothing more urgent): a double blip, so nobody mistakes a drill for normal.</summary>
    TestMode,

    /// <summary>The center acknowledged an alarm within the indication time: steady on.</summary>
    Acknowledged,

    /// <summary>An alarm is on its way and the center has not acknowledged it yet: fast blink.</summary>
    WaitingForCenter,

    /// <summary>No path to the center's broker: slow blink, whatever else is going on.</summary>
    NoPath,
}

/// <summary>One step of a blink pattern: the LED on or off for a while.</summary>
public readonly record struct LedStep(bool On, TimeSpan Duration);

/// <summary>
/// Drives the <see cref="OutputRole.StatusLed"/> outputs. Priority when several apply: no path, then waiting for
/// the center, then acknowledged, then test mode, then idle; an alarm accepted while the path is down shows "no path", because
/// the guard must know the center cannot see it yet. The indication is re-decided on every change of the alarms and
/// at every step of the pattern (a lost path shows at the next step, within 2.9 s).
/// </summary>
public sealed class StatusLed(
    IOutputLines lines,
    CenterAcknowledgements acknowledgements,
    Func<bool> pathUp,
    TimeProvider time,
    ILogger<StatusLed> logger,
    TestModeSwitch? testMode = null) : IDisposable
{
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private LedIndication _indication;
    private int _step;
    private bool? _level;

    /// <summary>Raised (outside any lock) when the indication changes.</summary>
    public event Action<LedIndication>? IndicationChanged;

    public LedIndication Indication
    {
        get
        {
            lock (_lock)
            {
                return _indication;
            }
        }
    }

    /// <summary>The on/off steps of each indication, repeated; a steady indication is one step re-checked each second.</summary>
    public static IReadOnlyList<LedStep> PatternOf(LedIndication indication) => indication switch
    {
        LedIndication.Idle => [new(true, TimeSpan.FromMilliseconds(100)), new(false, TimeSpan.FromMilliseconds(2900))],
        LedIndication.TestMode =>
        [
            new(true, TimeSpan.FromMilliseconds(100)), new(false, TimeSpan.FromMilliseconds(150)),
            new(true, TimeSpan.FromMilliseconds(100)), new(false, TimeSpan.FromMilliseconds(1650)),
        ],
        LedIndication.Acknowledged => [new(true, TimeSpan.FromSeconds(1))],
        LedIndication.WaitingForCenter => [new(true, TimeSpan.FromMilliseconds(200)), new(false, TimeSpan.FromMilliseconds(200))],
        LedIndication.NoPath => [new(true, TimeSpan.FromSeconds(1)), new(false, TimeSpan.FromSeconds(1))],
        _ => throw new ArgumentOutOfRangeException(nameof(indication), indication, null),
    };

    /// <summary>The indication in words, as the log and the demo say it.</summary>
    public static string Describe(LedIndication indication) => indication switch
    {
        LedIndication.Idle => "connected, idle (heartbeat)",
        LedIndication.TestMode => "test mode on (double blip)",
        LedIndication.Acknowledged => "acknowledged by the center (steady)",
        LedIndication.WaitingForCenter => "waiting for center (fast blink)",
        LedIndication.NoPath => "no path to the center (slow blink)",
        _ => indication.ToString(),
    };

    /// <summary>Starts the pattern for the current state and follows the alarms from now on.</summary>
    public void Start()
    {
        lock (_lock)
        {
            _timer ??= time.CreateTimer(_ => OnStep(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            EnterLocked(Decide());
        }

        acknowledgements.Changed += Reconsider;
        if (testMode is not null)
        {
            testMode.Changed += Reconsider;
        }
    }

    /// <summary>Stops the pattern; the lines themselves are switched off by their owner.</summary>
    public void Stop()
    {
        acknowledgements.Changed -= Reconsider;
        if (testMode is not null)
        {
            testMode.Changed -= Reconsider;
        }

        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    public void Dispose() => Stop();

    private LedIndication Decide()
    {
        if (!pathUp())
        {
            return LedIndication.NoPath;
        }

        var alarms = acknowledgements.Summary;
        return alarms.Waiting > 0 ? LedIndication.WaitingForCenter
            : alarms.Acknowledged > 0 ? LedIndication.Acknowledged
            : testMode?.Current is not null ? LedIndication.TestMode
            : LedIndication.Idle;
    }

    private void Reconsider() => Advance(nextStep: false);

    private void OnStep() => Advance(nextStep: true);

    private void Advance(bool nextStep)
    {
        LedIndication? changed = null;
        lock (_lock)
        {
            if (_timer is null)
            {
                return;
            }

            var decided = Decide();
            if (decided != _indication)
            {
                EnterLocked(decided);
                changed = decided;
            }
            else if (nextStep)
            {
                _step = (_step + 1) % PatternOf(_indication).Count;
                ApplyLocked();
            }
        }

        if (changed is { } indication)
        {
            IndicationChanged?.Invoke(indication);
        }
    }

    private void EnterLocked(LedIndication indication)
    {
        _indication = indication;
        _step = 0;
        Log.StatusLedIndication(logger, Describe(indication));
        ApplyLocked();
    }

    private void ApplyLocked()
    {
        var step = PatternOf(_indication)[_step];
        if (_level != step.On)
        {
            lines.Set(OutputRole.StatusLed, step.On);
            _level = step.On;
        }

        _timer!.Change(step.Duration, Timeout.InfiniteTimeSpan);
    }
}
