using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Tests.Rigs;

namespace EdgeGateway.Core.Tests.OutboxStorage;

public sealed class OutboxSignalTests
{
    private readonly RecorderRig _rig = new();

    [Fact]
    public async Task AnAppendOnDisk_HandsItsAlarmsToTheForwarder_AndWakesIt()
    {
        var recorded = _rig.Recorder.Record([Event(EventKind.Panic), Event(EventKind.Door), Event(EventKind.Smoke)]);

        await _rig.Signal.WaitAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([recorded[0].EventId, recorded[2].EventId], _rig.Signal.TakeAlarms().Select(e => e.EventId));
        Assert.Empty(_rig.Signal.TakeAlarms());
    }

    [Fact]
    public void AnAlarmTheDiskRefused_IsNotHandedOver_ItIsSentFromMemory()
    {
        _rig.Store.FailNextAppend(new IOException("disk full"));

        Assert.NotEmpty(_rig.Recorder.Record([Event(EventKind.Panic)]));
        Assert.Empty(_rig.Signal.TakeAlarms());
    }

    [Fact]
    public void HandedAlarmsNobodyTakes_AreCapped_TheNewestKept()
    {
        var now = _rig.Time.GetUtcNow();
        var alarms = Enumerable.Range(1, OutboxSignal.MaxHandedAlarms + 10)
            .Select(seq => OutboxEntry.Create(EventDraft.Fault(EventDraft.NewId(now), "outbox", EventState.Active, now, true, new Dictionary<string, string>()), seq, _rig.Identity))
            .ToList();

        _rig.Signal.Notify(alarms);

        var taken = _rig.Signal.TakeAlarms();
        Assert.Equal(OutboxSignal.MaxHandedAlarms, taken.Count);
        Assert.Equal(11, taken[0].Seq);
        Assert.Equal(alarms[^1].Seq, taken[^1].Seq);
    }

    [Fact]
    public async Task AnAttachedPublisher_IsOfferedEachAlarmOnTheAppendingThread_AndWhatItTakesIsNotHandedOver()
    {
        var offered = new List<(string Id, int Thread)>();
        using var publisher = _rig.Signal.AttachAlarmPublisher(alarm =>
        {
            offered.Add((alarm.EventId, Environment.CurrentManagedThreadId));
            return offered.Count == 1;
        });

        var recorded = _rig.Recorder.Record([Event(EventKind.Panic), Event(EventKind.Door), Event(EventKind.Smoke)]);

        // Only alarms are offered; the second, which it refused, is handed over, and the forwarder is woken all the same.
        Assert.Equal([(recorded[0].EventId, Environment.CurrentManagedThreadId), (recorded[2].EventId, Environment.CurrentManagedThreadId)], offered);
        Assert.Equal([recorded[2].EventId], _rig.Signal.TakeAlarms().Select(e => e.EventId));
        await _rig.Signal.WaitAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void ADetachedPublisher_IsOfferedNothing_AndDetachingAnOldOneLeavesTheNewAttached()
    {
        var offeredToOld = 0;
        var offeredToNew = 0;
        var old = _rig.Signal.AttachAlarmPublisher(_ => ++offeredToOld > 0);
        old.Dispose();
        _rig.Recorder.Record([Event(EventKind.Panic)]);
        Assert.Equal(0, offeredToOld);
        Assert.Single(_rig.Signal.TakeAlarms());

        var old2 = _rig.Signal.AttachAlarmPublisher(_ => ++offeredToOld > 0);
        using var current = _rig.Signal.AttachAlarmPublisher(_ => ++offeredToNew > 0);
        old2.Dispose();
        _rig.Recorder.Record([Event(EventKind.Panic)]);

        Assert.Equal((0, 1), (offeredToOld, offeredToNew));
        Assert.Empty(_rig.Signal.TakeAlarms());
    }

    private static NewEvent Event(EventKind kind) => new($"in-{kind}".ToLowerInvariant(), kind, EventState.Active, "hall");
}
