namespace EdgeGateway.Mqtt.Connection;

/// <summary>
/// The wait between connect attempts, which an alarm cuts short: once an alarm has been accepted during the outage
/// (<see cref="AlarmWaiting"/>), the next attempt comes at once, and attempts then come at least every
/// <see cref="MqttOptions.ExpeditedConnectMinSeconds"/> instead of after the backoff, until a session is up
/// (<see cref="Connected"/>). Never more than one expedited attempt per that interval, so a flapping input cannot
/// storm the broker.
/// </summary>
internal sealed class ReconnectWait(TimeSpan minExpeditedInterval, TimeProvider time)
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _alarm = NewSignal();
    private bool _alarmWaiting;

    // Monotonic timestamp of the last expedited attempt; null before the first.
    private long? _lastExpedited;

    public bool IsAlarmWaiting
    {
        get
        {
            lock (_lock)
            {
                return _alarmWaiting;
            }
        }
    }

    /// <summary>An alarm was accepted while no session is up: the wait in progress (or the next one) ends early.</summary>
    public void AlarmWaiting()
    {
        lock (_lock)
        {
            _alarmWaiting = true;
            _alarm.TrySetResult();
        }
    }

    /// <summary>A session is up: the waiting alarm goes out through it, backoff rules again for the next outage.</summary>
    public void Connected()
    {
        lock (_lock)
        {
            _alarmWaiting = false;
            if (_alarm.Task.IsCompleted)
            {
                _alarm = NewSignal();
            }
        }
    }

    /// <summary>
    /// Waits <paramref name="backoff"/>, or less while an alarm waits. Returns true when the attempt that follows is
    /// an expedited one (it then counts against the rate limit).
    /// </summary>
    public async Task<bool> DelayAsync(TimeSpan backoff, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            Task? alarm;
            TimeSpan remaining;
            lock (_lock)
            {
                var untilBackoffEnds = backoff - time.GetElapsedTime(started);
                var untilExpeditedAllowed = _lastExpedited is { } last ? minExpeditedInterval - time.GetElapsedTime(last) : TimeSpan.Zero;
                var expedited = _alarmWaiting && untilExpeditedAllowed < untilBackoffEnds;
                remaining = expedited ? untilExpeditedAllowed : untilBackoffEnds;
                if (remaining <= TimeSpan.Zero)
                {
                    if (expedited)
                    {
                        _lastExpedited = time.GetTimestamp();
                    }

                    return expedited;
                }

                // Once an alarm waits, only the clock matters; before, an alarm wakes the wait to recompute it.
                alarm = _alarmWaiting ? null : _alarm.Task;
            }

            if (alarm is null)
            {
                await Task.Delay(remaining, time, cancellationToken);
                continue;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(Task.Delay(remaining, time, wake.Token), alarm);
            await wake.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
