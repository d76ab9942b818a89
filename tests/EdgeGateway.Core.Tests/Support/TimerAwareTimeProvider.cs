using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells the test when code under test creates a timer (for example
/// <c>Task.Delay(delay, time)</c> in a background loop), so the test advances time only once the loop waits
/// and never sleeps.
/// </summary>
internal sealed class TimerAwareTimeProvider : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _nextTimer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _timersCreated;
    private long _timersSeen;
    private DateTimeOffset _lastDue;

    public TimerAwareTimeProvider()
        : base(new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        TaskCompletionSource created;
        lock (_gate)
        {
            _timersCreated++;
            _lastDue = GetUtcNow() + dueTime;
            created = _nextTimer;
            _nextTimer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        created.TrySetResult();
        return timer;
    }

    /// <summary>
    /// Repeatedly waits for the code under test to create a timer and advances to its due time, until
    /// <paramref name="done"/> completes. Throws after <paramref name="maxSteps"/> steps; the test's
    /// <paramref name="cancellationToken"/> is the safety net against a loop that never waits again.
    /// </summary>
    public async Task RunUntilAsync(Task done, CancellationToken cancellationToken, int maxSteps = 200)
    {
        for (var step = 0; step < maxSteps; step++)
        {
            var timer = WaitForNewTimerAsync(cancellationToken);
            await Task.WhenAny(done, timer);

            // Both may have completed; the condition wins, since the code under test completes it before it waits again.
            if (done.IsCompleted)
            {
                await done;
                return;
            }

            await timer;
            AdvanceToLastDue(DateTimeOffset.MaxValue);
        }

        throw new TimeoutException($"Condition not met after {maxSteps} timer steps");
    }

    /// <summary>Lets the code under test run through its timers for <paramref name="duration"/> of fake time.</summary>
    public async Task RunForAsync(TimeSpan duration, CancellationToken cancellationToken, int maxSteps = 200)
    {
        var end = GetUtcNow() + duration;
        for (var step = 0; step < maxSteps && GetUtcNow() < end; step++)
        {
            await WaitForNewTimerAsync(cancellationToken);
            AdvanceToLastDue(end);
        }

        if (GetUtcNow() < end)
        {
            throw new TimeoutException($"Did not reach {end:O} after {maxSteps} timer steps");
        }
    }

    /// <summary>Completes once a timer has been created that no earlier step has advanced to.</summary>
    public Task WaitForNewTimerAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _timersCreated > _timersSeen ? Task.CompletedTask : _nextTimer.Task.WaitAsync(cancellationToken);
        }
    }

    private void AdvanceToLastDue(DateTimeOffset limit)
    {
        DateTimeOffset due;
        lock (_gate)
        {
            _timersSeen = _timersCreated;
            due = _lastDue < limit ? _lastDue : limit;
        }

        var now = GetUtcNow();
        if (due > now)
        {
            Advance(due - now);
        }
    }
}
