using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;

namespace EdgeGateway.Core.Tests.OutboxStorage;

/// <summary>
/// A disk that stalls (a hung SD card, a dead NFS server) on the press path: the store call has the deadline the gateway
/// owns (Outbox:WriteDeadlineMs on the fake clock), the press is accepted into memory with its seq and sent from there,
/// later presses do not wait at all, and what the stalled call did or did not write is settled once it returns.
/// </summary>
public sealed class StalledStoreTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // Only a hang turns into a failure with this; nothing is timed by it.
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);

    private readonly GuardRig _rig = Opened(new GuardRig());

    [Fact]
    public async Task PressDuringAStalledAppend_IsAcceptedIntoMemoryAtTheDeadline_LaterPressesDoNotWait_AndTheLateWriteIsNotRepeated()
    {
        var before = Assert.Single(_rig.Press());
        var block = _rig.Faulty.BlockNext(StoreCall.Append);

        // The press waits for the disk only until the deadline, then is held in memory with the seq it will have.
        var stalledPress = Task.Run(() => _rig.Press());
        await block.Entered.WaitAsync(s_hang);
        await _rig.AdvanceUntilAsync(stalledPress, TimeSpan.FromMilliseconds(GuardRig.WriteDeadlineMs));
        var stalled = Assert.Single(await stalledPress);
        Assert.Equal(before.Seq + 1, stalled.Seq);
        Assert.Contains(_rig.Unwritten.Pending, e => e.EventId == stalled.EventId);
        Assert.True(_rig.Guard.IsStalled);

        // The storage fault says why, and is held behind the press.
        var fault = Assert.Single(_rig.Unwritten.Pending, e => e.Lane == Lane.Alarm && Detail(e)?.GetProperty("fault").GetString() == "storage");
        Assert.Equal("stalled", Detail(fault)!.Value.GetProperty("reason").GetString());
        Assert.Equal(stalled.Seq + 1, fault.Seq);

        // A later press is accepted at once (no clock advance), without a store call, and sent from memory too.
        var appendsSoFar = _rig.Faulty.Calls(StoreCall.Append);
        var accepting = System.Diagnostics.Stopwatch.StartNew();
        var later = Assert.Single(await Task.Run(() => _rig.Press()).WaitAsync(s_hang));
        output.WriteLine($"A press while the store is stalled was accepted in {accepting.Elapsed.TotalMilliseconds:0.000} ms (thread hop included); the first, stalled one at the deadline, {GuardRig.WriteDeadlineMs} ms on the fake clock");
        Assert.Equal(fault.Seq + 1, later.Seq);
        Assert.Equal(appendsSoFar, _rig.Faulty.Calls(StoreCall.Append));
        Assert.False(_rig.Writer.RetryUnwritten());
        Assert.Equal(appendsSoFar, _rig.Faulty.Calls(StoreCall.Append));
        Assert.Equal([stalled.EventId, fault.EventId, later.EventId], _rig.Unwritten.Pending.Where(e => e.Lane == Lane.Alarm).Select(e => e.EventId));

        // The stalled append returns, having written the press: the retry writes only what it did not, in seq order.
        block.Release();
        await GuardRig.WaitUntilAsync(() => !_rig.Guard.IsStalled);
        Assert.True(_rig.Writer.RetryUnwritten());
        Assert.True(_rig.Unwritten.IsEmpty);
        var stored = _rig.Stored;
        Assert.Equal(stored.Select(e => e.EventId).Distinct().Count(), stored.Count);
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Select(e => e.Seq));
        Assert.Equal(stalled.Seq, stored.Single(e => e.EventId == stalled.EventId).Seq);
        Assert.Equal(later.Seq, stored.Single(e => e.EventId == later.EventId).Seq);
        Assert.Equal(["active", "restored"], _rig.StorageFaults);
        Assert.False(_rig.Writer.IsStorageFaulted);
    }

    [Fact]
    public async Task StalledAppendThatFailsWhenItReturns_TheRetryWritesTheHeldPressWithItsSeq()
    {
        var block = _rig.Faulty.BlockNext(StoreCall.Append);
        var stalledPress = Task.Run(() => _rig.Press());
        await block.Entered.WaitAsync(s_hang);
        await _rig.AdvanceUntilAsync(stalledPress, TimeSpan.FromMilliseconds(GuardRig.WriteDeadlineMs));
        var stalled = Assert.Single(await stalledPress);

        block.Release(new IOException("I/O error"));
        await GuardRig.WaitUntilAsync(() => !_rig.Guard.IsStalled);
        Assert.True(_rig.Writer.RetryUnwritten());

        Assert.Equal(stalled.Seq, _rig.Stored.Single(e => e.EventId == stalled.EventId).Seq);
        Assert.Equal(["active", "restored"], _rig.StorageFaults);
    }

    [Fact]
    public async Task StalledAppendThatLandsLate_BehindPressesHeldMeanwhile_NoSeqGoesToTwoEvents_AndNoEventIsStoredTwice()
    {
        var given = SeqAllocationTests.GivenOut(_rig);
        _rig.Press();
        var block = _rig.Faulty.BlockNext(StoreCall.Append);
        var stalledPress = Task.Run(() => _rig.Press());
        await block.Entered.WaitAsync(s_hang);
        await _rig.AdvanceUntilAsync(stalledPress, TimeSpan.FromMilliseconds(GuardRig.WriteDeadlineMs));
        var stalled = Assert.Single(await stalledPress);
        _rig.Press(EventKind.Door);
        _rig.Press();
        given.AddRange(_rig.Unwritten.Pending);

        // The stalled append lands (with the seq the writer gave it), then the held ones are written and more pressed.
        block.Release();
        await GuardRig.WaitUntilAsync(() => !_rig.Guard.IsStalled);
        Assert.True(_rig.Writer.RetryUnwritten());
        _rig.Press();

        var stored = _rig.Stored;
        Assert.Equal(stalled.Seq, stored.Single(e => e.EventId == stalled.EventId).Seq);
        Assert.Equal(stored.Count, stored.Select(e => e.EventId).Distinct().Count());
        Assert.Subset(stored.Select(e => e.EventId).ToHashSet(), given.Select(e => e.EventId).ToHashSet());
        SeqAllocationTests.AssertOneEventPerSeq([.. given, .. stored]);
    }

    [Fact]
    public async Task ReadsWhileStalled_FailAtOnce_AndPropertiesGiveTheirLastValue()
    {
        _rig.Press();
        var lastSeq = _rig.Guard.LastSeq;
        var depth = _rig.Guard.Depth;
        var block = _rig.Faulty.BlockNext(StoreCall.Append);
        var stalledPress = Task.Run(() => _rig.Press());
        await block.Entered.WaitAsync(s_hang);
        await _rig.AdvanceUntilAsync(stalledPress, TimeSpan.FromMilliseconds(GuardRig.WriteDeadlineMs));

        var reads = _rig.Faulty.Calls(StoreCall.ReadPending);
        Assert.Empty(await Task.Run(() => _rig.Guard.ReadPending(10)).WaitAsync(s_hang));
        Assert.Equal(reads, _rig.Faulty.Calls(StoreCall.ReadPending));
        Assert.Equal(lastSeq, _rig.Guard.LastSeq);
        Assert.Equal(depth, _rig.Guard.Depth);
        block.Release();
    }

    private static GuardRig Opened(GuardRig rig)
    {
        rig.Guard.Open();
        return rig;
    }

    private static JsonElement? Detail(OutboxEntry entry)
    {
        var root = JsonDocument.Parse(entry.Payload).RootElement;
        return root.TryGetProperty("detail", out var detail) ? detail : null;
    }
}
