using EdgeGateway.Core.Outbox;

namespace EdgeGateway.Core.Tests.OutboxStorage;

public sealed class StoreThreadsTests
{
    private static readonly TimeSpan s_failAfter = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Run_CallAfterCall_ReusesOneThread()
    {
        var threads = new StoreThreads();
        var ids = new HashSet<int>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add(await threads.Run(() => Environment.CurrentManagedThreadId).WaitAsync(s_failAfter));
        }

        Assert.Single(ids);
        Assert.Equal(1, threads.Started);
    }

    [Fact]
    public async Task Run_WhileACallIsStuck_RunsOnAnotherThread_AndTheStuckOneIsKeptOnceItReturns()
    {
        var threads = new StoreThreads();
        using var stuck = new ManualResetEventSlim(false);
        var first = threads.Run(() => stuck.Wait(s_failAfter));

        Assert.Equal(7, await threads.Run(() => 7).WaitAsync(s_failAfter));
        Assert.Equal(2, threads.Started);
        stuck.Set();
        Assert.True(await first.WaitAsync(s_failAfter));

        // Both are idle now: two calls at once need no third thread.
        using var both = new Barrier(2);
        await Task.WhenAll(threads.Run(() => both.SignalAndWait(s_failAfter)), threads.Run(() => both.SignalAndWait(s_failAfter))).WaitAsync(s_failAfter);
        Assert.Equal(2, threads.Started);
    }

    [Fact]
    public async Task Run_OfACallThatThrows_FaultsItsTask_AndKeepsTheThread()
    {
        var threads = new StoreThreads();

        var failed = await Assert.ThrowsAsync<IOException>(() => threads.Run<int>(() => throw new IOException("disk")).WaitAsync(s_failAfter));
        Assert.Equal(3, await threads.Run(() => 3).WaitAsync(s_failAfter));

        Assert.Equal("disk", failed.Message);
        Assert.Equal(1, threads.Started);
    }
}
