using EdgeGateway.Mqtt.Connection;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Mqtt.Tests.Connection;

public sealed class ReconnectWaitTests
{
    private static readonly TimeSpan s_backoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_minInterval = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task WithoutAnAlarm_TheWholeBackoffIsWaited()
    {
        var wait = new ReconnectWait(s_minInterval, _time);
        var delay = wait.DelayAsync(s_backoff, CancellationToken.None);

        _time.Advance(s_backoff - TimeSpan.FromMilliseconds(1));
        Assert.False(delay.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(await Completes(delay));
    }

    [Fact]
    public async Task AnAlarmDuringTheWait_CutsItShort()
    {
        var wait = new ReconnectWait(s_minInterval, _time);
        var delay = wait.DelayAsync(s_backoff, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(delay.IsCompleted);

        wait.AlarmWaiting();

        Assert.True(await Completes(delay));
    }

    [Fact]
    public async Task WhileAnAlarmWaits_AttemptsComeEveryMinInterval_NeverMoreOften()
    {
        var wait = new ReconnectWait(s_minInterval, _time);
        wait.AlarmWaiting();
        Assert.True(await Completes(wait.DelayAsync(s_backoff, CancellationToken.None)));

        // A flapping input: more alarms, the attempt right after still waits for the interval.
        var second = wait.DelayAsync(s_backoff, CancellationToken.None);
        wait.AlarmWaiting();
        _time.Advance(s_minInterval - TimeSpan.FromMilliseconds(1));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await Completes(second));

        var third = wait.DelayAsync(s_backoff, CancellationToken.None);
        _time.Advance(s_minInterval);
        Assert.True(await Completes(third));
    }

    [Fact]
    public async Task ABackoffShorterThanTheInterval_IsNotExpedited()
    {
        var wait = new ReconnectWait(s_minInterval, _time);
        wait.AlarmWaiting();
        Assert.True(await Completes(wait.DelayAsync(s_backoff, CancellationToken.None)));

        var delay = wait.DelayAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await Completes(delay));
    }

    [Fact]
    public async Task AfterASession_TheNextOutageWaitsTheBackoffAgain()
    {
        var wait = new ReconnectWait(s_minInterval, _time);
        wait.AlarmWaiting();
        wait.Connected();
        Assert.False(wait.IsAlarmWaiting);

        var delay = wait.DelayAsync(s_backoff, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(delay.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await Completes(delay));
    }

    [Fact]
    public async Task Stopping_EndsTheWait()
    {
        var wait = new ReconnectWait(s_minInterval, _time);
        using var stop = new CancellationTokenSource();
        var delay = wait.DelayAsync(s_backoff, stop.Token);

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delay.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System));
    }

    // The fake clock fires timers on Advance; their continuations may still run on the pool.
    private static Task<bool> Completes(Task<bool> delay) => delay.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System);
}
