using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;

namespace EdgeGateway.Core.Tests.OutboxStorage;

public class OutboxOpenFailureTests
{
    private static readonly UnauthorizedAccessException s_readOnly = new("Read-only file system");
    private readonly GuardRig _rig = new();

    [Fact]
    public async Task StartAsync_OutboxCannotOpen_DoesNotThrow_RaisesTheFault_AndPressesAreHeldInMemory()
    {
        // Arrange
        _rig.Faulty.FailUntilHealed(StoreCall.Open, s_readOnly);
        using var starter = new OutboxStarter(_rig.Guard, _rig.Recorder, _rig.Writer, _rig.Time);

        // Act
        await starter.StartAsync(CancellationToken.None);
        var pressed = Assert.Single(_rig.Press());

        // Assert
        Assert.False(_rig.Guard.IsOpen);
        Assert.True(_rig.Writer.IsStorageFaulted);
        Assert.Equal(["active"], _rig.StorageFaults);
        Assert.Contains(_rig.Unwritten.Pending, e => e.EventId == pressed.EventId);
        await starter.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void OutboxCannotOpen_APressHeldInMemory_ReservesItsSeq_SoARestartDoesNotGiveItOutAgain()
    {
        // A start on a full disk: the press may reach the center from memory, then the gateway is killed.
        _rig.Faulty.FailUntilHealed(StoreCall.Open, s_readOnly);
        _rig.Guard.Open();
        var pressed = Assert.Single(_rig.Press());

        Assert.True(_rig.Faulty.Calls(StoreCall.ReserveSeq) >= 1);
        Assert.True(_rig.Faulty.Inner.ReservedSeq >= pressed.Seq, "the restart would give the held press's seq out again");
    }

    [Fact]
    public void Retry_OpenKeepsFailing_IsTriedWithDoublingBackoff_ThenWritesWhatWasHeld()
    {
        // Arrange
        _rig.Faulty.FailUntilHealed(StoreCall.Open, s_readOnly);
        _rig.Guard.Open();
        var pressed = Assert.Single(_rig.Press());

        // Act / Assert: 1 s, then 2 s, between attempts; a press within the backoff does not try again.
        Assert.Equal(1, _rig.Faulty.Calls(StoreCall.Open));
        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        _rig.Guard.Retry();
        Assert.Equal(2, _rig.Faulty.Calls(StoreCall.Open));
        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        _rig.Guard.Retry();
        _rig.Press();
        Assert.Equal(2, _rig.Faulty.Calls(StoreCall.Open));

        _rig.Faulty.Heal();
        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        _rig.Guard.Retry();
        var done = _rig.Writer.RetryUnwritten();

        // Assert
        Assert.Equal(3, _rig.Faulty.Calls(StoreCall.Open));
        Assert.True(_rig.Guard.IsOpen);
        Assert.True(done);
        Assert.Contains(_rig.Stored, e => e.EventId == pressed.EventId && e.Seq == pressed.Seq);
        Assert.Equal(["active", "restored"], _rig.StorageFaults);
        Assert.True(_rig.Unwritten.IsEmpty);
    }
}
