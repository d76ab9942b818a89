using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>
/// The center's <c>test-mode</c>: marks events <c>"test": true</c> (<see cref="EventRecorder.TestMode"/>) until it is
/// turned off or its timeout passes, so a forgotten test mode cannot hide real alarms for long. Turning it on again
/// restarts the timeout from then: the latest command decides when it ends.
/// </summary>
public sealed class TestModeSwitch(EventRecorder recorder, TimeProvider time, ILogger<TestModeSwitch> logger) : IDisposable
{
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private long _generation;

    /// <summary>Turns test mode on for <paramref name="duration"/>; returns when it will end.</summary>
    public DateTimeOffset TurnOn(TimeSpan duration)
    {
        var until = time.GetUtcNow() + duration;
        lock (_lock)
        {
            _timer?.Dispose();
            var generation = ++_generation;
            recorder.TestMode = true;
            _timer = time.CreateTimer(_ => Expire(generation), null, duration, Timeout.InfiniteTimeSpan);
        }

        Log.TestModeOn(logger, EventPayload.FormatTimestamp(until));
        return until;
    }

    /// <summary>Turns test mode off; returns whether it was on.</summary>
    public bool TurnOff()
    {
        bool wasOn;
        lock (_lock)
        {
            wasOn = StopLocked();
        }

        if (wasOn)
        {
            Log.TestModeOff(logger, "turned off by the center");
        }

        return wasOn;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Expire(long generation)
    {
        lock (_lock)
        {
            // A timer replaced by a later TurnOn may still fire once; only the current one ends test mode.
            if (generation != _generation || !StopLocked())
            {
                return;
            }
        }

        Log.TestModeOff(logger, "its timeout passed");
    }

    private bool StopLocked()
    {
        _generation++;
        _timer?.Dispose();
        _timer = null;
        var wasOn = recorder.TestMode;
        recorder.TestMode = false;
        return wasOn;
    }
}
