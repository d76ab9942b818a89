using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Core.Tests.Inputs;

public class InputChannelTests
{
    private static readonly TimeSpan s_debounce = TimeSpan.FromMilliseconds(20);

    [Theory]
    [InlineData(ContactType.NO, PullMode.Up, false)]
    [InlineData(ContactType.NC, PullMode.Up, true)]
    [InlineData(ContactType.NO, PullMode.Down, true)]
    [InlineData(ContactType.NC, PullMode.Down, false)]
    [InlineData(ContactType.NO, PullMode.None, false)]
    [InlineData(ContactType.NC, PullMode.None, true)]
    public void ActiveHigh_ContactAndPull_GivesActiveLevel(ContactType contact, PullMode pull, bool expectedActiveHigh)
    {
        // Arrange
        var options = new InputOptions { Id = "in", Pin = 5, Contact = contact, Pull = pull };

        // Act
        var activeHigh = options.ActiveHigh;

        // Assert
        Assert.Equal(expectedActiveHigh, activeHigh);
    }

    [Theory]
    [InlineData(ContactType.NO, PullMode.Up, false)]
    [InlineData(ContactType.NC, PullMode.Up, true)]
    [InlineData(ContactType.NO, PullMode.Down, true)]
    [InlineData(ContactType.NC, PullMode.Down, false)]
    public void Evaluate_ActiveLevelHeldPastDebounce_ReportsActive(ContactType contact, PullMode pull, bool activeLevel)
    {
        // Arrange
        var channel = new InputChannel(Input(contact: contact, pull: pull));
        channel.Observe(!activeLevel, Ms(0));
        channel.Evaluate(Ms(0));

        // Act
        channel.Observe(activeLevel, Ms(10));
        var beforeDebounce = channel.Evaluate(Ms(29));
        var afterDebounce = channel.Evaluate(Ms(30));

        // Assert
        Assert.Null(beforeDebounce);
        Assert.Equal(EventState.Active, afterDebounce);
        Assert.True(channel.IsActive);
    }

    [Theory]
    [InlineData(ContactType.NO, PullMode.Up, true)]
    [InlineData(ContactType.NC, PullMode.Up, false)]
    [InlineData(ContactType.NO, PullMode.Down, false)]
    public void Evaluate_IdleLevel_ReportsNothing(ContactType contact, PullMode pull, bool idleLevel)
    {
        // Arrange
        var channel = new InputChannel(Input(contact: contact, pull: pull));

        // Act
        channel.Observe(idleLevel, Ms(0));
        var result = channel.Evaluate(Ms(1_000));

        // Assert
        Assert.Null(result);
        Assert.False(channel.IsActive);
    }

    [Fact]
    public void Evaluate_BouncesWithinDebounceWindow_ReportsOneActive()
    {
        // Arrange: NO + pull-up, so low is active.
        var channel = new InputChannel(Input());
        channel.Observe(true, Ms(0));
        var results = new List<EventState?>();

        // Act: contact bounces for 8 ms, then stays closed.
        for (var t = 0; t <= 8; t += 2)
        {
            channel.Observe(t % 4 != 0, Ms(100 + t));
            results.Add(channel.Evaluate(Ms(100 + t)));
        }

        for (var t = 110; t <= 200; t += 5)
        {
            results.Add(channel.Evaluate(Ms(t)));
        }

        // Assert
        Assert.Equal([EventState.Active], results.Where(r => r is not null));
        Assert.True(channel.IsActive);
    }

    [Fact]
    public void Evaluate_GlitchShorterThanDebounce_ReportsNothing()
    {
        // Arrange
        var channel = new InputChannel(Input());
        channel.Observe(true, Ms(0));

        // Act: low for 15 ms < 20 ms debounce.
        channel.Observe(false, Ms(100));
        var during = channel.Evaluate(Ms(110));
        channel.Observe(true, Ms(115));
        var after = channel.Evaluate(Ms(500));

        // Assert
        Assert.Null(during);
        Assert.Null(after);
        Assert.False(channel.IsActive);
        Assert.Null(channel.NextDeadline);
    }

    [Fact]
    public void Evaluate_PressShorterThanMinActive_ReportsNothing()
    {
        // Arrange
        var channel = new InputChannel(Input(minActiveMs: 200));
        channel.Observe(true, Ms(0));

        // Act: pressed for 150 ms, well past the debounce but short of MinActiveMs.
        channel.Observe(false, Ms(100));
        var results = new List<EventState?> { channel.Evaluate(Ms(130)), channel.Evaluate(Ms(249)) };
        channel.Observe(true, Ms(250));
        results.Add(channel.Evaluate(Ms(1_000)));

        // Assert
        Assert.All(results, Assert.Null);
        Assert.False(channel.IsActive);
    }

    [Fact]
    public void Evaluate_PressLongerThanMinActive_ReportsActiveAtMinActive()
    {
        // Arrange
        var channel = new InputChannel(Input(minActiveMs: 200));
        channel.Observe(true, Ms(0));

        // Act
        channel.Observe(false, Ms(100));
        var justBefore = channel.Evaluate(Ms(299));
        var atMinActive = channel.Evaluate(Ms(300));

        // Assert
        Assert.Null(justBefore);
        Assert.Equal(EventState.Active, atMinActive);
    }

    [Fact]
    public void Evaluate_PanicReleased_StaysActive()
    {
        // Arrange: panic inputs latch by default.
        var channel = new InputChannel(Input(kind: EventKind.Panic));
        Press(channel, Ms(0));

        // Act
        channel.Observe(true, Ms(100));
        var released = channel.Evaluate(Ms(200));

        // Assert
        Assert.Null(released);
        Assert.True(channel.IsActive);
        Assert.Null(channel.NextDeadline);
    }

    [Fact]
    public void Reset_LatchedAndReleased_ReportsRestored()
    {
        // Arrange
        var channel = new InputChannel(Input(kind: EventKind.Panic));
        Press(channel, Ms(0));
        channel.Observe(true, Ms(100));
        channel.Evaluate(Ms(200));

        // Act
        var reset = channel.Reset();

        // Assert
        Assert.Equal(EventState.Restored, reset);
        Assert.False(channel.IsActive);
        Assert.Null(channel.Evaluate(Ms(300)));
    }

    [Fact]
    public void Reset_LatchedAndStillPressed_ReportsNothingAndStaysActive()
    {
        // Arrange
        var channel = new InputChannel(Input(kind: EventKind.Panic));
        Press(channel, Ms(0));

        // Act
        var reset = channel.Reset();

        // Assert
        Assert.Null(reset);
        Assert.True(channel.IsActive);
        Assert.Null(channel.Evaluate(Ms(500)));
    }

    [Fact]
    public void Reset_NeverActive_ReportsNothing()
    {
        // Arrange
        var channel = new InputChannel(Input(kind: EventKind.Panic));
        channel.Observe(true, Ms(0));
        channel.Evaluate(Ms(100));

        // Act
        var reset = channel.Reset();

        // Assert
        Assert.Null(reset);
    }

    [Fact]
    public void Evaluate_NonLatchingReleased_ReportsRestoredAfterDebounce()
    {
        // Arrange
        var channel = new InputChannel(Input(kind: EventKind.Door));
        Press(channel, Ms(0));

        // Act
        channel.Observe(true, Ms(100));
        var beforeDebounce = channel.Evaluate(Ms(119));
        var afterDebounce = channel.Evaluate(Ms(120));

        // Assert
        Assert.Null(beforeDebounce);
        Assert.Equal(EventState.Restored, afterDebounce);
        Assert.False(channel.IsActive);
    }

    [Fact]
    public void Evaluate_PanicWithLatchFalse_ReportsRestoredAfterDebounce()
    {
        // Arrange: the validator rejects this, but the channel honours the explicit setting.
        var channel = new InputChannel(Input(kind: EventKind.Panic, latch: false));
        Press(channel, Ms(0));

        // Act
        channel.Observe(true, Ms(100));
        var result = channel.Evaluate(Ms(120));

        // Assert
        Assert.Equal(EventState.Restored, result);
    }

    [Fact]
    public void NextDeadline_NoObservation_IsNull()
    {
        // Arrange
        var channel = new InputChannel(Input());

        // Act
        var deadline = channel.NextDeadline;

        // Assert
        Assert.Null(deadline);
    }

    [Fact]
    public void NextDeadline_ActiveLevelPending_IsEdgePlusDebounce()
    {
        // Arrange
        var channel = new InputChannel(Input());
        channel.Observe(true, Ms(0));
        channel.Evaluate(Ms(0));

        // Act
        channel.Observe(false, Ms(50));

        // Assert
        Assert.Equal(Ms(50) + s_debounce, channel.NextDeadline);
    }

    [Fact]
    public void NextDeadline_ActiveLevelPendingWithMinActive_IsEdgePlusMinActive()
    {
        // Arrange
        var channel = new InputChannel(Input(minActiveMs: 300));
        channel.Observe(true, Ms(0));

        // Act
        channel.Observe(false, Ms(50));

        // Assert
        Assert.Equal(Ms(350), channel.NextDeadline);
    }

    [Fact]
    public void NextDeadline_ReleasePendingWithMinActive_IsEdgePlusDebounce()
    {
        // Arrange
        var channel = new InputChannel(Input(kind: EventKind.Door, minActiveMs: 300));
        channel.Observe(false, Ms(0));
        channel.Evaluate(Ms(300));

        // Act
        channel.Observe(true, Ms(400));

        // Assert
        Assert.Equal(Ms(420), channel.NextDeadline);
    }

    [Fact]
    public void NextDeadline_AfterStateSettled_IsNull()
    {
        // Arrange
        var channel = new InputChannel(Input());
        channel.Observe(false, Ms(0));

        // Act
        var result = channel.Evaluate(Ms(20));

        // Assert
        Assert.Equal(EventState.Active, result);
        Assert.Null(channel.NextDeadline);
    }

    [Fact]
    public void NextDeadline_RepeatedSameLevel_KeepsFirstEdgeTime()
    {
        // Arrange
        var channel = new InputChannel(Input());
        channel.Observe(true, Ms(0));
        channel.Observe(false, Ms(10));

        // Act: a periodic read of the same level must not restart the debounce.
        channel.Observe(false, Ms(25));

        // Assert
        Assert.Equal(Ms(30), channel.NextDeadline);
        Assert.Equal(EventState.Active, channel.Evaluate(Ms(30)));
    }

    private static void Press(InputChannel channel, TimeSpan at)
    {
        var active = channel.Options.ActiveHigh;
        channel.Observe(!active, at);
        channel.Evaluate(at);
        channel.Observe(active, at);
        Assert.Equal(EventState.Active, channel.Evaluate(at + s_debounce));
    }

    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    private static InputOptions Input(
        EventKind kind = EventKind.Generic,
        ContactType contact = ContactType.NO,
        PullMode pull = PullMode.Up,
        int minActiveMs = 0,
        bool? latch = null) => new()
        {
            Id = "test-input",
            Pin = 17,
            Kind = kind,
            Contact = contact,
            Pull = pull,
            DebounceMs = (int)s_debounce.TotalMilliseconds,
            MinActiveMs = minActiveMs,
            Latch = latch,
        };
}
