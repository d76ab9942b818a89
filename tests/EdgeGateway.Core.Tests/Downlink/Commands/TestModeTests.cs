using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Tests.Downlink.Commands;

/// <summary>Test mode is bounded, can cover named inputs only, lets a held panic through as real, and is never restored.</summary>
public sealed class TestModeTests : IAsyncDisposable
{
    private readonly CommandRig _rig = new();

    [Fact]
    public async Task HardMaximum_EndsIt_HoweverOftenItIsTurnedOnAgain()
    {
        // Default maximum 2 h: on for 1 h, renewed for 1 h every 50 minutes.
        await _rig.SendAsync(_rig.Command("c-0", "test-mode", """ "on":true,"timeoutSeconds":3600 """));
        for (var i = 1; i <= 2; i++)
        {
            _rig.Time.Advance(TimeSpan.FromMinutes(50));
            await _rig.SendAsync(_rig.Command($"c-{i}", "test-mode", """ "on":true,"timeoutSeconds":3600 """));
        }

        var renewed = _rig.TestMode.Current;
        _rig.Time.Advance(TimeSpan.FromMinutes(19));
        var before = _rig.Recorder.TestMode;
        _rig.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(new DateTimeOffset(2026, 11, 29, 7, 0, 0, TimeSpan.Zero), renewed!.Until);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero), renewed.Since);
        Assert.True(before);
        Assert.Null(_rig.TestMode.Current);
        Assert.False(_rig.Recorder.TestMode);
    }

    [Fact]
    public async Task NamedInputs_OnlyTheyAreTests_APanicElsewhereIsReal()
    {
        var result = await _rig.SendAsync(_rig.Command("c-1", "test-mode", """ "on":true,"inputs":["gym-door"] """));

        var door = Record("gym-door", EventKind.Door);
        var panic = Record("office-panic", EventKind.Panic);

        Assert.Equal("gym-door", CommandRig.Detail(result, "inputs"));
        Assert.True(door.Test);
        Assert.False(panic.Test);
    }

    [Fact]
    public async Task NamedInputs_AnUnknownOne_IsRefused_AndNothingChanges()
    {
        var result = await _rig.SendAsync(_rig.Command("c-1", "test-mode", """ "on":true,"inputs":["gym-door","no-such"] """));

        Assert.Equal(CommandErrors.UnknownInput, CommandRig.ErrorCode(result));
        Assert.Null(_rig.TestMode.Current);
    }

    [Theory]
    [InlineData(""" "on":true,"inputs":[] """)]
    [InlineData(""" "on":true,"inputs":"gym-door" """)]
    [InlineData(""" "on":true,"inputs":[1] """)]
    [InlineData(""" "on":true,"inputs":[""] """)]
    public async Task NamedInputs_BadShape_IsInvalidArgument(string arguments)
    {
        var result = await _rig.SendAsync(_rig.Command("c-1", "test-mode", arguments));

        Assert.Equal(CommandErrors.InvalidArgument, CommandRig.ErrorCode(result));
        Assert.Null(_rig.TestMode.Current);
    }

    [Fact]
    public async Task PanicHeldForTheHoldTime_DuringTest_GoesOutAsARealAlarm_AndLeavesTheTest()
    {
        await _rig.StartMonitorAsync();
        await _rig.SendAsync(_rig.Command("c-1", "test-mode", """ "on":true """));

        _rig.Lines.Set(CommandRig.PanicPin, false);
        await RunInStepsAsync(TimeSpan.FromSeconds(new CommandOptions().TestModePanicHoldSeconds + 1.5));

        var actives = _rig.Store.Accepted.Where(d => d.Input == "office-panic" && d.State == EventState.Active).ToList();
        Assert.Equal([true, false], actives.Select(d => d.Test));
        Assert.Equal(TestModePanicHold.HeldReason, actives[1].Detail!["reason"]);
        Assert.Equal(["office-panic"], _rig.TestMode.Current!.Released);
        Assert.False(_rig.TestMode.Current.Covers("office-panic"));
        Assert.True(_rig.TestMode.Current.Covers("gym-door"));
    }

    [Fact]
    public async Task PanicPressedBriefly_DuringTest_StaysATest()
    {
        await _rig.StartMonitorAsync();
        await _rig.SendAsync(_rig.Command("c-1", "test-mode", """ "on":true """));

        _rig.Lines.Set(CommandRig.PanicPin, false);
        await RunInStepsAsync(TimeSpan.FromSeconds(2));
        _rig.Lines.Set(CommandRig.PanicPin, true);
        await RunInStepsAsync(TimeSpan.FromSeconds(10));

        var actives = _rig.Store.Accepted.Where(d => d.Input == "office-panic" && d.State == EventState.Active).ToList();
        Assert.True(Assert.Single(actives).Test);
        Assert.Empty(_rig.TestMode.Current!.Released);
    }

    [Fact]
    public async Task AfterARestart_TestModeIsOff_AndTheRedeliveredCommandDoesNotTurnItOn()
    {
        var command = _rig.Command("c-1", "test-mode", """ "on":true """);
        await _rig.SendAsync(command);

        // A restart: a new switch and recorder (nothing of test mode is kept), the id memory read from disk.
        await using var restarted = new CommandRig();
        File.Copy(Path.Combine(_rig.DataDirectory, CommandIdMemory.FileName), Path.Combine(restarted.DataDirectory, CommandIdMemory.FileName));
        restarted.Processor = restarted.NewProcessor();
        var replayed = await restarted.SendAsync(command);
        restarted.Recorder.Record([new NewEvent("office-panic", EventKind.Panic, EventState.Active, "Main office")]);

        Assert.True(replayed.Ok);
        Assert.Null(restarted.TestMode.Current);
        Assert.False(restarted.Store.Accepted[^1].Test);
    }

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    /// <summary>Fake time in 100 ms steps, so the input monitor loop runs between them.</summary>
    private async Task RunInStepsAsync(TimeSpan duration)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += TimeSpan.FromMilliseconds(100))
        {
            await _rig.Time.RunForAsync(TimeSpan.FromMilliseconds(100), _rig.Timeout);
        }
    }

    private EventDraft Record(string source, EventKind kind)
    {
        _rig.Recorder.Record([new NewEvent(source, kind, EventState.Active, "")]);
        return _rig.Store.Accepted[^1];
    }
}
