using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;

namespace EdgeGateway.Core.Tests.OutboxStorage;

public class UnwrittenMemoryTests
{
    private static readonly IOException s_noSpace = new("No space left on device");

    [Fact]
    public void MemoryFull_TelemetryIsRefusedFirst_ThenEvents_NeverAlarms_AndTheRefusedAreCountedAsDropped()
    {
        // Arrange
        var rig = new GuardRig(maxUnwrittenEntries: 100);
        rig.Guard.Open();
        rig.Faulty.FailUntilHealed(StoreCall.Append, s_noSpace);

        // Act: the fault and 79 events fill 80 %; then telemetry no longer fits, events do up to 100.
        for (var i = 0; i < 79; i++)
        {
            rig.Press(EventKind.Door);
        }

        var telemetry = rig.Telemetry();
        var events = Enumerable.Range(0, 25).Sum(_ => rig.Press(EventKind.Door).Count);
        var alarms = Enumerable.Range(0, 10).Sum(_ => rig.Press(EventKind.Panic).Count);

        // Assert
        Assert.Empty(telemetry);
        Assert.Equal(20, events);
        Assert.Equal(10, alarms);
        Assert.Equal(110, rig.Unwritten.Count);
        Assert.Equal(new OutboxDrops(5, 1), rig.Guard.Dropped);
    }

    [Fact]
    public void MemoryHeld_SeqsStayTheOnesTheStoreGivesOnceWritten()
    {
        // Arrange
        var rig = new GuardRig();
        rig.Guard.Open();
        rig.Faulty.FailUntilHealed(StoreCall.Append, s_noSpace);
        var held = Enumerable.Range(0, 300).SelectMany(_ => rig.Press(EventKind.Door)).ToList();

        // Act
        rig.Faulty.Heal();
        var done = rig.Writer.RetryUnwritten();

        // Assert
        Assert.True(done);
        var stored = rig.Stored.ToDictionary(e => e.EventId, e => e.Seq);
        Assert.All(held, e => Assert.Equal(e.Seq, stored[e.EventId]));
        Assert.Equal(["active", "restored"], rig.StorageFaults);
    }

    [Fact]
    public void Press_With100000Held_CostsNoMoreStoreWorkThanWithOneHeld()
    {
        // Arrange: a day of full disk, 100,000 events held.
        var rig = new GuardRig(maxUnwrittenEntries: 1_000_000);
        rig.Guard.Open();
        rig.Faulty.FailUntilHealed(StoreCall.Append, s_noSpace);
        rig.Press(EventKind.Door);
        var afterOne = PressCost(rig);
        var batch = Enumerable.Range(0, 1000).Select(_ => new NewEvent("hall-door", EventKind.Door, EventState.Active, "hall")).ToList();
        for (var i = 0; i < 100; i++)
        {
            rig.Recorder.Record(batch);
        }

        Assert.True(rig.Unwritten.Count > 100_000);

        // Act
        var afterMany = PressCost(rig);
        var retryAppends = rig.Faulty.Calls(StoreCall.Append);
        var retryDrafts = rig.Faulty.DraftsAppended;
        rig.Writer.RetryUnwritten();

        // Assert: a press asks the store for at most one bounded batch (none at all behind a long queue), and a
        // retry against a refusing disk tries one batch, however many are held.
        Assert.True(afterOne.Drafts <= OutboxWriter.WriteBatch, $"{afterOne.Drafts} drafts appended for a press after one");
        Assert.Equal((0, 0L), afterMany);
        Assert.Equal(retryAppends + 1, rig.Faulty.Calls(StoreCall.Append));
        Assert.Equal(retryDrafts + OutboxWriter.WriteBatch, rig.Faulty.DraftsAppended);
        Assert.Contains(rig.Unwritten.Pending, e => e.Lane == Lane.Alarm);
    }

    private static (int Appends, long Drafts) PressCost(GuardRig rig)
    {
        var appends = rig.Faulty.Calls(StoreCall.Append);
        var drafts = rig.Faulty.DraftsAppended;
        Assert.Single(rig.Press(EventKind.Panic));
        return (rig.Faulty.Calls(StoreCall.Append) - appends, rig.Faulty.DraftsAppended - drafts);
    }
}
