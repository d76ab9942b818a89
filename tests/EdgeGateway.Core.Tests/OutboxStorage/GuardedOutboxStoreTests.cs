using EdgeGateway.Core.Events;
using EdgeGateway.TestKit;

namespace EdgeGateway.Core.Tests.OutboxStorage;

public class GuardedOutboxStoreTests
{
    private static readonly IOException s_noSpace = new("No space left on device");
    private readonly GuardRig _rig = new();

    public GuardedOutboxStoreTests() => _rig.Guard.Open();

    [Fact]
    public void Remove_DiskRefuses_DoesNotThrow_KeepsTheRemovalHiddenAndRetriesItUntilItSucceeds()
    {
        // Arrange
        var pressed = _rig.Press();
        _rig.Press(EventKind.Door);
        _rig.Faulty.FailUntilHealed(StoreCall.Remove, s_noSpace);

        // Act
        _rig.Guard.Remove(pressed);
        _rig.Writer.RetryUnwritten();

        // Assert: still stored (not lost), not read again (not resent), the fault raised.
        Assert.Contains(_rig.Stored, e => e.EventId == pressed[0].EventId);
        Assert.DoesNotContain(_rig.Guard.ReadPending(10), e => e.EventId == pressed[0].EventId);
        Assert.Equal(1, _rig.Guard.PendingRemovals);
        Assert.True(_rig.Health.IsFailing);
        Assert.Equal(["active"], _rig.StorageFaults);

        // Act: space returns.
        _rig.Faulty.Heal();
        _rig.Guard.Retry();
        _rig.Writer.RetryUnwritten();

        // Assert
        Assert.DoesNotContain(_rig.Stored, e => e.EventId == pressed[0].EventId);
        Assert.Equal(0, _rig.Guard.PendingRemovals);
        Assert.False(_rig.Writer.IsStorageFaulted);
        Assert.Equal(["active", "restored"], _rig.StorageFaults);
    }

    [Fact]
    public void Remove_AfterAFailure_OnlyQueuesUntilTheRetryTick()
    {
        // Arrange
        var first = _rig.Press();
        var second = _rig.Press();
        _rig.Faulty.FailUntilHealed(StoreCall.Remove, s_noSpace);
        _rig.Guard.Remove(first);
        var callsAfterFailure = _rig.Faulty.Calls(StoreCall.Remove);

        // Act
        _rig.Guard.Remove(second);

        // Assert
        Assert.Equal(callsAfterFailure, _rig.Faulty.Calls(StoreCall.Remove));
        Assert.Equal(2, _rig.Guard.PendingRemovals);
    }

    [Fact]
    public void ReadPending_StoreThrows_ReturnsNothing_AndRaisesTheStorageFault()
    {
        // Arrange
        _rig.Press();
        _rig.Faulty.FailNext(StoreCall.ReadPending, new IOException("I/O error"));

        // Act
        var read = _rig.Guard.ReadPending(10);
        _rig.Writer.RetryUnwritten();

        // Assert: raised; restored only once a read works again (an append that works does not say reads do).
        Assert.Empty(read);
        Assert.True(_rig.Writer.IsStorageFaulted);
        Assert.Single(_rig.Guard.ReadPending(10), e => e.Lane == Lane.Alarm && e.Seq == 1);
        _rig.Writer.RetryUnwritten();
        Assert.False(_rig.Writer.IsStorageFaulted);
        Assert.Equal(["active", "restored"], _rig.StorageFaults);
    }

    [Fact]
    public void OldestTimestamp_StoreThrows_IsUnknownRatherThanAnError()
    {
        // Arrange
        _rig.Press();
        _rig.Faulty.FailNext(StoreCall.OldestTimestamp, new IOException("I/O error"));

        // Act / Assert
        Assert.Null(_rig.Guard.OldestTimestamp(Lane.Alarm));
        Assert.True(_rig.Health.IsFailing);
    }

    [Fact]
    public void Append_StoreThrowsSomethingUnexpected_ThePressIsHeldInMemoryAndSent()
    {
        // Arrange
        _rig.Faulty.FailNext(StoreCall.Append, new InvalidCastException("a bug in the store"));

        // Act
        var pressed = Assert.Single(_rig.Press());

        // Assert
        Assert.Contains(_rig.Unwritten.Pending, e => e.EventId == pressed.EventId);
        Assert.True(_rig.Writer.IsStorageFaulted);
    }
}
