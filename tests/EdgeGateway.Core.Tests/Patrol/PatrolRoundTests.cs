using EdgeGateway.Core.Patrol;

namespace EdgeGateway.Core.Tests.Patrol;

/// <summary>The round's logic with the wall and monotonic clocks apart, as a clock step makes them.</summary>
public sealed class PatrolRoundTests
{
    private static readonly DateTimeOffset s_due = new(2026, 11, 29, 22, 0, 0, TimeSpan.Zero);

    private static PatrolRound Round(bool ordered = false)
    {
        var options = PatrolRig.Round(ordered, "22:00", "04:00");
        return new PatrolRound(options, new PatrolSchedule(PatrolSchedule.TimesOf(options)!, TimeZoneInfo.Utc));
    }

    [Fact]
    public void ClockStepForward_DuringARound_NeitherEndsItNorLengthensItsDuration()
    {
        var round = Round();
        round.Tick(s_due, TimeSpan.Zero);
        round.Reach("cp-gate", s_due.AddMinutes(1), TimeSpan.FromMinutes(1));

        // NTP steps the clock three hours forward: past the round's maximum duration by the wall clock only.
        var stepped = s_due.AddHours(3);
        Assert.Empty(round.Tick(stepped, TimeSpan.FromMinutes(2)));
        Assert.True(round.IsOpen);
        round.Reach("cp-lab", stepped.AddMinutes(1), TimeSpan.FromMinutes(3));
        var done = round.Reach("cp-dorm", stepped.AddMinutes(2), TimeSpan.FromMinutes(4));

        Assert.Equal("180", Assert.Single(done).Detail!["durationSeconds"]);
    }

    [Fact]
    public void ClockStepForward_OverAWholeRound_OpensNothingForIt()
    {
        var round = Round();
        round.Tick(s_due.AddHours(-1), TimeSpan.Zero);

        Assert.Empty(round.Tick(s_due.AddHours(2), TimeSpan.FromSeconds(5)));
        Assert.False(round.IsOpen);
    }

    [Fact]
    public void ClockStepBack_AfterARound_DoesNotOpenTheSameRoundAgain()
    {
        var round = Round();
        round.Tick(s_due, TimeSpan.Zero);
        Assert.Single(round.Tick(s_due.AddMinutes(10), TimeSpan.FromMinutes(10)));

        Assert.Empty(round.Tick(s_due.AddMinutes(5), TimeSpan.FromMinutes(11)));
        Assert.False(round.IsOpen);
    }

    [Fact]
    public void Ordered_ACheckpointOutOfTurn_DoesNotCount()
    {
        var round = Round(ordered: true);
        round.Tick(s_due, TimeSpan.Zero);
        round.Reach("cp-lab", s_due, TimeSpan.FromSeconds(10));
        round.Reach("cp-gate", s_due, TimeSpan.FromSeconds(20));

        Assert.Equal(["cp-gate"], round.Reached);
    }

    [Fact]
    public void StartedInsideADueRound_WatchesWhatIsLeftOfIt()
    {
        var round = Round();
        round.Tick(s_due.AddMinutes(8), TimeSpan.Zero);

        Assert.True(round.IsOpen);
        Assert.Equal(TimeSpan.FromMinutes(2), round.NextWake(s_due.AddMinutes(8), TimeSpan.Zero, TimeSpan.FromHours(1)));
    }
}
