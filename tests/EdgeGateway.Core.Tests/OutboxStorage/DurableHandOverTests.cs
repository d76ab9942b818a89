using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;

namespace EdgeGateway.Core.Tests.OutboxStorage;

/// <summary>
/// An append hands its alarms on from the store's thread the moment they are on disk (IOutboxStore.Append's
/// <c>durable</c>), so the forwarder need not wait for the pressing thread to wake; and the deadline still owns the press:
/// an append given up is never handed on as well, and a hand-over that blocks cannot hold the press.
/// </summary>
public sealed class DurableHandOverTests
{
    // Only a hang turns into a failure with this; nothing is timed by it.
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_deadline = TimeSpan.FromMilliseconds(GuardRig.WriteDeadlineMs);

    private readonly GuardRig _rig = new();

    public DurableHandOverTests() => _rig.Guard.Open();

    [Fact]
    public void AnAlarmOnDisk_IsHandedOnFromTheStoresThread_BeforeThePressReturns()
    {
        var returned = false;
        var handedOn = new List<(string Id, int Thread, bool AfterReturn)>();
        using var publisher = _rig.Signal.AttachAlarmPublisher(alarm =>
        {
            handedOn.Add((alarm.EventId, Environment.CurrentManagedThreadId, Volatile.Read(ref returned)));
            return true;
        });

        var press = Assert.Single(_rig.Press());
        Volatile.Write(ref returned, true);

        var (id, thread, afterReturn) = Assert.Single(handedOn);
        Assert.Equal(press.EventId, id);
        Assert.NotEqual(Environment.CurrentManagedThreadId, thread);
        Assert.False(afterReturn);
        Assert.Empty(_rig.Signal.TakeAlarms());
    }

    [Fact]
    public async Task AnAppendGivenUpAtItsDeadline_IsNotHandedOnWhenItLands_ThePressIsSentFromMemoryOnly()
    {
        var handedOn = 0;
        using var publisher = _rig.Signal.AttachAlarmPublisher(_ => Interlocked.Increment(ref handedOn) > 0);
        var block = _rig.Faulty.BlockNext(StoreCall.Append);

        var pressing = Task.Run(() => _rig.Press());
        await block.Entered.WaitAsync(s_hang);
        await _rig.AdvanceUntilAsync(pressing, s_deadline);
        var held = Assert.Single(await pressing);
        block.Release();
        await GuardRig.WaitUntilAsync(() => !_rig.Guard.IsStalled);

        Assert.Contains(_rig.Stored, e => e.EventId == held.EventId);
        Assert.Contains(_rig.Unwritten.Pending, e => e.EventId == held.EventId);
        Assert.Equal(0, Volatile.Read(ref handedOn));
        Assert.Empty(_rig.Signal.TakeAlarms());
    }

    [Fact]
    public async Task AnAppendHandedOnAsItsDeadlinePasses_IsWaitedFor_NotAlsoHeldInMemory()
    {
        using var slowHandOver = new ManualResetEventSlim(false);
        var pressing = await PressHandedOnToAsync(slowHandOver);
        await AdvanceAsync(s_deadline * 1.5);
        slowHandOver.Set();
        var press = Assert.Single(await pressing.WaitAsync(s_hang));

        Assert.Contains(_rig.Stored, e => e.EventId == press.EventId);
        Assert.True(_rig.Unwritten.IsEmpty);
        Assert.False(_rig.Guard.IsStalled);
        Assert.False(_rig.Writer.IsStorageFaulted);
    }

    [Fact]
    public async Task AHandOverThatBlocks_HoldsThePressTwoDeadlinesAtMost_ThenItIsHeldInMemory()
    {
        using var blockedHandOver = new ManualResetEventSlim(false);
        var pressing = await PressHandedOnToAsync(blockedHandOver);
        await _rig.AdvanceUntilAsync(pressing, s_deadline);
        var held = Assert.Single(await pressing);

        Assert.Contains(_rig.Unwritten.Pending, e => e.EventId == held.EventId);
        Assert.True(_rig.Writer.IsStorageFaulted);
        blockedHandOver.Set();
        await GuardRig.WaitUntilAsync(() => !_rig.Guard.IsStalled);
        Assert.True(_rig.Writer.RetryUnwritten());
        Assert.Single(_rig.Stored, e => e.EventId == held.EventId);
    }

    /// <summary>
    /// Presses with a publisher attached that, offered the alarm on the store's thread, waits for
    /// <paramref name="handOverDone"/>; returns the press once the alarm was offered.
    /// </summary>
    private async Task<Task<IReadOnlyList<OutboxEntry>>> PressHandedOnToAsync(ManualResetEventSlim handOverDone)
    {
        var handed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publisher = _rig.Signal.AttachAlarmPublisher(_ =>
        {
            handed.TrySetResult();
            handOverDone.Wait(s_hang);
            return true;
        });
        var pressing = Task.Run(() => _rig.Press());
        await handed.Task.WaitAsync(s_hang);
        publisher.Dispose();
        return pressing;
    }

    /// <summary>Advances the fake clock by <paramref name="total"/> a tenth of a deadline at a time, letting the waiting thread see each step.</summary>
    private async Task AdvanceAsync(TimeSpan total)
    {
        for (var advanced = TimeSpan.Zero; advanced < total; advanced += s_deadline / 10)
        {
            _rig.Time.Advance(s_deadline / 10);
            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System);
        }
    }
}
