using System.Text;
using EdgeGateway.Core.Downlink.Commands;

namespace EdgeGateway.Core.Tests.Downlink.Commands;

/// <summary>Retained commands, freshness by message expiry or a synchronised clock, and where the result goes.</summary>
public sealed class CommandFreshnessTests : IAsyncDisposable
{
    private const int RetainedCommandEventId = 1607;
    private const int DownlinkProblemEventId = 1005;

    private readonly CommandRig _rig = new();

    [Fact]
    public async Task Retained_IsIgnored_Unanswered_ReportedOncePerId_AndCountedEveryTime()
    {
        var retained = new ReceivedCommand(Bytes(_rig.Command("old-1", "test-mode", """ "on":true """)), Retained: true, ExpirySeconds: 100);

        var first = await _rig.DeliverAsync(retained);
        var again = await _rig.DeliverAsync(retained);

        Assert.Null(first);
        Assert.Null(again);
        Assert.Null(_rig.TestMode.Current);
        Assert.False(_rig.Recorder.TestMode);
        var log = Assert.Single(_rig.ProcessorLog.Records, r => r.EventId.Id == RetainedCommandEventId);
        Assert.Contains("old-1", log.Message, StringComparison.Ordinal);
        Assert.Equal(2, _rig.Problems.Counts.RetainedCommands);
    }

    [Fact]
    public async Task ClockNotSynced_DayOldTestModeOn_WithoutExpiry_IsStale_AndChangesNothing()
    {
        _rig.Clock.IsSynchronized = false;
        var dayOld = _rig.Time.GetUtcNow().AddDays(-1);

        var result = await _rig.SendAsync($$"""{"id":"c-1","command":"test-mode","ts":"{{dayOld:yyyy-MM-ddTHH:mm:ss.fffZ}}","on":true}""");

        Assert.Equal(CommandErrors.Stale, CommandRig.ErrorCode(result));
        Assert.Contains("no message expiry", CommandRig.Json(result).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Null(_rig.TestMode.Current);
    }

    [Fact]
    public async Task ClockNotSynced_WithExpiry_IsCarriedOut_WhateverItsTs()
    {
        // A Pi without RTC that booted offline: its clock is days behind the center's; the broker's expiry vouches.
        _rig.Clock.IsSynchronized = false;
        var ts = _rig.Time.GetUtcNow().AddDays(3);

        var reply = await _rig.DeliverAsync(new ReceivedCommand(Bytes($$"""{"id":"c-1","command":"silence","ts":"{{ts:yyyy-MM-ddTHH:mm:ss.fffZ}}"}"""), ExpirySeconds: 90));

        Assert.True(reply!.Result.Ok);
        Assert.Equal(1, _rig.Sounder.SilenceCalls);
    }

    [Fact]
    public async Task ClockNotSynced_ExpiryLongerThanMaxAge_IsNoProof()
    {
        _rig.Clock.IsSynchronized = false;

        var reply = await _rig.DeliverAsync(new ReceivedCommand(Bytes(_rig.Command("c-1", "silence")), ExpirySeconds: 121));

        Assert.Equal(CommandErrors.Stale, CommandRig.ErrorCode(reply!.Result));
        Assert.Equal(0, _rig.Sounder.SilenceCalls);
    }

    [Theory]
    [InlineData("status", "")]
    [InlineData("test-mode", """ "on":false """)]
    public async Task ClockNotSynced_WithoutExpiry_CommandsThatCannotHideAnAlarm_Run(string command, string arguments)
    {
        _rig.Clock.IsSynchronized = false;

        var result = await _rig.SendAsync(_rig.Command("c-1", command, arguments));

        Assert.True(result.Ok);
    }

    [Fact]
    public async Task ClockSynced_OldTs_IsStale_EvenWithAnExpiry()
    {
        var old = _rig.Time.GetUtcNow().AddSeconds(-600);

        var reply = await _rig.DeliverAsync(new ReceivedCommand(Bytes($$"""{"id":"c-1","command":"silence","ts":"{{old:yyyy-MM-ddTHH:mm:ss.fffZ}}"}"""), ExpirySeconds: 60));

        Assert.Equal(CommandErrors.Stale, CommandRig.ErrorCode(reply!.Result));
    }

    [Theory]
    [InlineData(null, "north-campus/gw-01/cmd/result")]
    [InlineData("campus/v1/north-campus/gw-01/cmd/result", "north-campus/gw-01/cmd/result")]
    [InlineData("campus/v1/north-campus/gw-01/cmd/result/console-3", "north-campus/gw-01/cmd/result/console-3")]
    public async Task OwnResponseTopic_IsAnsweredOn(string? responseTopic, string expected)
    {
        var reply = await _rig.DeliverAsync(new ReceivedCommand(Bytes(_rig.Command("c-1", "silence")), ResponseTopic: responseTopic));

        Assert.True(reply!.Result.Ok);
        Assert.Equal("campus/v1/" + expected, reply.Topic);
    }

    [Theory]
    [InlineData("campus/v1/north-campus/gw-02/cmd/result")]
    [InlineData("campus/v1/north-campus/gw-01/cmd/resultx")]
    [InlineData("campus/v1/north-campus/gw-01/cmd/result/")]
    [InlineData("campus/v1/north-campus/gw-01/cmd/result/+")]
    [InlineData("campus/v1/north-campus/gw-01/alarm")]
    [InlineData("elsewhere")]
    public async Task ForeignResponseTopic_IsRefused_OnCmdResult_AndCounted(string responseTopic)
    {
        _rig.Sounder.Sounding = true;

        var reply = await _rig.DeliverAsync(new ReceivedCommand(Bytes(_rig.Command("c-1", "silence")), ResponseTopic: responseTopic));

        Assert.Equal(CommandErrors.ForeignResponseTopic, CommandRig.ErrorCode(reply!.Result));
        Assert.Equal(_rig.Topics.CommandResult, reply.Topic);
        Assert.Equal(0, _rig.Sounder.SilenceCalls);
        Assert.Equal(1, _rig.Problems.Counts.ForeignResponseTopics);
    }

    [Fact]
    public async Task FloodOfMalformedAndUnknown_IsCounted_AndLoggedOnceAMinutePerKind_WithWhatWasLeftOut()
    {
        for (var i = 0; i < 50; i++)
        {
            await _rig.SendAsync("{not json");
            await _rig.SendAsync(_rig.Command($"u-{i}", "frobnicate"));
        }

        var firstMinute = DownlinkLines();
        _rig.Time.Advance(TimeSpan.FromMinutes(1));
        await _rig.SendAsync("[]");

        Assert.Equal(50, _rig.Problems.Counts.UnknownCommands);
        Assert.Equal(51, _rig.Problems.Counts.MalformedCommands);
        Assert.Equal(2, firstMinute.Count);
        var next = Assert.Single(DownlinkLines().Skip(2));
        Assert.Contains("MalformedCommand", next, StringComparison.Ordinal);
        Assert.Contains("49 more of this kind", next, StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    private static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    private List<string> DownlinkLines() => [.. _rig.ProblemLog.Records.Where(r => r.EventId.Id == DownlinkProblemEventId).Select(r => r.Message)];
}
