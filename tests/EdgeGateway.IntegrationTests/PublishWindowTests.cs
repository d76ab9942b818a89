using EdgeGateway.Center.Transport;

namespace EdgeGateway.IntegrationTests;

/// <summary>The console's window of acks awaiting their PUBACK: the handling loop goes on until it is full.</summary>
public sealed class PublishWindowTests
{
    [Fact]
    public async Task StartAsync_ReturnsAtOnceWhileTheWindowHasRoom_WaitsWhenFull_UntilOneCompletes()
    {
        var window = new PublishWindow(() => 2, _ => { });
        var first = new TaskCompletionSource();
        var second = new TaskCompletionSource();

        Assert.True(window.StartAsync(first.Task).IsCompleted);
        var full = window.StartAsync(second.Task);
        Assert.False(full.IsCompleted);

        first.SetResult();
        await full;
        second.SetResult();
    }

    [Fact]
    public async Task AFailedPublish_IsReported_AndFreesItsPlace()
    {
        var failures = new List<Exception>();
        var window = new PublishWindow(() => 1, failures.Add);
        var failing = new TaskCompletionSource();

        var waiting = window.StartAsync(failing.Task);
        Assert.False(waiting.IsCompleted);
        failing.SetException(new TimeoutException("no PUBACK"));
        await waiting;

        Assert.Equal("no PUBACK", Assert.Single(failures).Message);
        await window.StartAsync(Task.CompletedTask);
    }

    [Fact]
    public async Task TheSize_IsReadAtEveryStart_ABrokerThatAllowsLessShrinksTheWindow()
    {
        var size = 3;
        var window = new PublishWindow(() => size, _ => { });
        var pending = new TaskCompletionSource();
        Assert.True(window.StartAsync(pending.Task).IsCompleted);

        size = 1;
        var next = window.StartAsync(Task.CompletedTask);
        Assert.False(next.IsCompleted);
        pending.SetResult();
        await next;
    }
}
