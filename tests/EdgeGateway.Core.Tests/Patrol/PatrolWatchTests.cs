using EdgeGateway.Core.Patrol;

namespace EdgeGateway.Core.Tests.Patrol;

public sealed class PatrolWatchTests : IDisposable
{
    private readonly PatrolRig _rig = new(PatrolRig.Round(ordered: false, "05:10", "17:10"));

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task AllCheckpointsInTime_CompletesTheRound_WithItsDuration()
    {
        var watch = await _rig.StartAsync();
        await _rig.AdvanceAsync(TimeSpan.FromMinutes(11));
        watch.Reach("cp-lab");
        await _rig.AdvanceAsync(TimeSpan.FromSeconds(90));
        watch.Reach("cp-gate");
        await _rig.AdvanceAsync(TimeSpan.FromSeconds(60));
        watch.Reach("cp-dorm");
        await _rig.AdvanceAsync(TimeSpan.FromMinutes(20));

        Assert.Equal(["night patrol active"], _rig.Summaries);
        var detail = _rig.LastDetail("patrol");
        Assert.Equal("150", detail["durationSeconds"]);
        Assert.Equal("cp-lab,cp-gate,cp-dorm", detail["checkpoints"]);
        Assert.Equal("2026-11-29T05:10:00.000Z", detail["slot"]);
    }

    [Fact]
    public async Task NothingReached_IsAMissedRoundFault_RestoredWhenTheNextRoundCompletes()
    {
        var watch = await _rig.StartAsync();
        await _rig.AdvanceAsync(TimeSpan.FromMinutes(10));
        await _rig.AdvanceAsync(TimeSpan.FromMinutes(10));

        Assert.Equal(["night fault active"], _rig.Summaries);
        var missed = _rig.LastDetail("fault");
        Assert.Equal(PatrolRound.MissedFault, missed["fault"]);
        Assert.Equal("missed", missed["reason"]);
        Assert.Equal("cp-gate,cp-lab,cp-dorm", missed["missing"]);

        await _rig.AdvanceAsync(TimeSpan.FromHours(12) - TimeSpan.FromMinutes(5));
        foreach (var checkpoint in new[] { "cp-gate", "cp-lab", "cp-dorm" })
        {
            watch.Reach(checkpoint);
        }

        Assert.Equal(["night fault active", "night patrol active", "night fault restored"], _rig.Summaries);
    }

    [Fact]
    public async Task LastCheckpointAfterTheMaximumDuration_IsAnIncompleteRound_AndTheLatePressCountsForNothing()
    {
        var watch = await _rig.StartAsync();
        await _rig.AdvanceAsync(TimeSpan.FromMinutes(12));
        watch.Reach("cp-gate");
        watch.Reach("cp-lab");
        await _rig.AdvanceAsync(TimeSpan.FromMinutes(9));
        watch.Reach("cp-dorm");

        Assert.Equal(["night fault active"], _rig.Summaries);
        var incomplete = _rig.LastDetail("fault");
        Assert.Equal("incomplete", incomplete["reason"]);
        Assert.Equal("cp-dorm", incomplete["missing"]);
        Assert.Equal("cp-gate,cp-lab", incomplete["reached"]);
    }

    [Fact]
    public async Task RestartInTheMiddle_TakesUpTheRoundFromTheDataDirectory()
    {
        var before = await _rig.StartAsync();
        await _rig.AdvanceAsync(TimeSpan.FromMinutes(11));
        before.Reach("cp-gate");
        before.Reach("cp-lab");
        await before.LastSave;
        await before.StopAsync(CancellationToken.None);
        before.Dispose();

        await _rig.AdvanceAsync(TimeSpan.FromMinutes(2));
        var after = await _rig.StartAsync();
        Assert.Equal(["cp-gate", "cp-lab"], after.Rounds[0].Reached);
        await _rig.AdvanceAsync(TimeSpan.FromMinutes(1));
        after.Reach("cp-dorm");

        Assert.Equal(["night patrol active"], _rig.Summaries);
        Assert.Equal("180", _rig.LastDetail("patrol")["durationSeconds"]);
    }

    [Fact]
    public async Task RoundUnderWayAtARestart_WhoseTimeRanOutWhileDown_IsReportedAtStart()
    {
        var before = await _rig.StartAsync();
        await _rig.AdvanceAsync(TimeSpan.FromMinutes(11));
        before.Reach("cp-gate");
        await before.LastSave;
        await before.StopAsync(CancellationToken.None);

        await _rig.AdvanceAsync(TimeSpan.FromMinutes(30));
        await _rig.StartAsync();

        Assert.Equal(["night fault active"], _rig.Summaries);
        Assert.Equal("cp-lab,cp-dorm", _rig.LastDetail("fault")["missing"]);
    }

    [Fact]
    public async Task DataDirectoryNotWritable_IsAStateFileFault_AndTheRoundGoesOn()
    {
        _rig.DataDirectory = Path.Combine(_rig.DataDirectory, "missing", "dir");
        var watch = await _rig.StartAsync();
        await _rig.AdvanceAsync(TimeSpan.FromMinutes(11));
        watch.Reach("cp-gate");
        await watch.LastSave;
        watch.Reach("cp-lab");
        await watch.LastSave;
        watch.Reach("cp-dorm");

        Assert.Equal(["patrol fault active", "night patrol active"], _rig.Summaries);
        Assert.Equal("state-file", _rig.LastDetail("fault")["fault"]);
    }
}
