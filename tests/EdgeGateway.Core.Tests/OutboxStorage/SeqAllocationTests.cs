using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;

namespace EdgeGateway.Core.Tests.OutboxStorage;

/// <summary>
/// Seqs come from the writer's <see cref="SeqAllocator"/>, never from the store: a store that refuses, reopens with a
/// lower last seq, or is killed with events held in memory never makes a seq go to a second event.
/// </summary>
public sealed class SeqAllocationTests
{
    private static readonly IOException s_noSpace = new("No space left on device");

    [Fact]
    public void StoreRefuses_ThenReopensWithALowerLastSeq_HeldEventsKeepTheirSeqs_AndNoSeqGoesToTwoEvents()
    {
        var rig = Opened(new GuardRig());
        var given = GivenOut(rig);
        rig.Press();
        rig.Press();
        rig.Press();
        rig.Faulty.FailUntilHealed(StoreCall.Append, s_noSpace);
        var held = Assert.Single(rig.Press());
        given.AddRange(rig.Unwritten.Pending);

        // The reopen reads a salvaged file that ends at seq 1: the store's last seq goes back, the writer's does not.
        rig.Disk.LoseAbove(1);
        Assert.Equal(1, rig.Disk.LastSeq);
        rig.Faulty.Heal();
        Assert.True(rig.Writer.RetryUnwritten());
        var highest = rig.Stored.Concat(given).Max(e => e.Seq);
        var after = Assert.Single(rig.Press());

        Assert.Equal(held.Seq, rig.Stored.Single(e => e.EventId == held.EventId).Seq);
        Assert.True(after.Seq > highest, $"seq {after.Seq} was given out before");
        Assert.Equal(after.Seq, rig.Writer.Seqs.Last);
        AssertOneEventPerSeq([.. given, .. rig.Stored]);
    }

    [Fact]
    public void KilledWithEventsHeldInMemory_ThenRestarted_SeqsContinueAboveEveryOneGivenOut()
    {
        var first = Opened(new GuardRig());
        var given = GivenOut(first);
        first.Press();
        first.Press();
        first.Faulty.FailUntilHealed(StoreCall.Append, s_noSpace);
        first.Press();
        first.Press(EventKind.Door);
        given.AddRange(first.Unwritten.Pending);

        // Reserved on "disk" before they were given out, so the kill (no flush, no dispose) cannot lose them.
        var highest = given.Max(e => e.Seq);
        Assert.True(first.Disk.ReservedSeq >= highest);
        Assert.Equal(2, first.Disk.LastSeq);

        var restarted = Opened(new GuardRig(disk: first.Disk));
        var next = Assert.Single(restarted.Press());

        Assert.True(next.Seq > highest, $"seq {next.Seq} was given out before the kill");
        AssertOneEventPerSeq([.. given, next, .. restarted.Stored]);
    }

    [Fact]
    public async Task CleanStop_ThenRestart_SeqsContinueRightAfterTheLastOne()
    {
        var first = new GuardRig();
        using (var starter = new OutboxStarter(first.Guard, first.Recorder, first.Writer, first.Time))
        {
            await starter.StartAsync(CancellationToken.None);
            first.Press();
            first.Faulty.FailNext(StoreCall.Append, s_noSpace);
            first.Press();
            first.Writer.RetryUnwritten();
            Assert.True(first.Disk.ReservedSeq > first.Writer.Seqs.Last, "held events reserve a block ahead");
            await starter.StopAsync(CancellationToken.None);
        }

        var last = first.Writer.Seqs.Last;
        Assert.Equal(last, first.Disk.ReservedSeq);
        var restarted = Opened(new GuardRig(disk: first.Disk));
        Assert.Equal(last + 1, Assert.Single(restarted.Press()).Seq);
    }

    /// <summary>Every entry the rig's recorder hands out from now on (on disk or held in memory).</summary>
    internal static List<OutboxEntry> GivenOut(GuardRig rig)
    {
        var given = new List<OutboxEntry>();
        rig.Recorder.Accepted += entries => given.AddRange(entries);
        return given;
    }

    /// <summary>Each seq belongs to one event and each event has one seq, however often it was seen.</summary>
    internal static void AssertOneEventPerSeq(IEnumerable<OutboxEntry> seen)
    {
        var distinct = seen.Select(e => (e.Seq, e.EventId)).Distinct().ToList();
        Assert.All(distinct.GroupBy(e => e.Seq), g => Assert.Single(g));
        Assert.All(distinct.GroupBy(e => e.EventId), g => Assert.Single(g));
    }

    private static GuardRig Opened(GuardRig rig)
    {
        rig.Guard.Open();
        return rig;
    }
}
