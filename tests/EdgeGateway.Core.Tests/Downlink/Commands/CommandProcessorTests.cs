using System.Text;
using System.Text.Json;
using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.Core.Tests.Downlink.Commands;

public sealed class CommandProcessorTests : IAsyncDisposable
{
    private readonly CommandRig _rig = new();

    [Fact]
    public async Task Reset_LatchedPanic_ResultSaysWhat_AndTheRestoreIsRecorded()
    {
        // Arrange: the panic is pressed and let go; it stays latched.
        await _rig.StartMonitorAsync();
        _rig.Lines.Set(CommandRig.PanicPin, false);
        await WaitForAcceptedAsync(1);
        _rig.Lines.Set(CommandRig.PanicPin, true);
        await _rig.Time.RunForAsync(TimeSpan.FromMilliseconds(300), _rig.Timeout);
        Assert.True(_rig.Monitor.Channels.First().IsActive);

        // Act
        var result = await _rig.SendAsync(_rig.Command("c-1", "reset", """ "input":"office-panic" """));
        await WaitForAcceptedAsync(2);

        // Assert
        var json = CommandRig.Json(result);
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal("c-1", json.GetProperty("id").GetString());
        Assert.Equal("reset", json.GetProperty("command").GetString());
        Assert.Equal("office-panic", CommandRig.Detail(result, "reset"));
        Assert.Equal("office-panic", CommandRig.Detail(result, "active"));
        Assert.Equal([EventState.Active, EventState.Restored], _rig.Store.Accepted.Select(d => d.State));
    }

    [Fact]
    public async Task Reset_NoInput_ResetsAll()
    {
        var result = await _rig.SendAsync(_rig.Command("c-1", "reset"));

        Assert.True(result.Ok);
        Assert.Equal("all", CommandRig.Detail(result, "reset"));
        Assert.Equal("", CommandRig.Detail(result, "active"));
    }

    [Fact]
    public async Task Reset_UnknownInput_IsRefused_AndNothingIsReset()
    {
        // Arrange: a latched panic that a reset would restore.
        await _rig.StartMonitorAsync();
        _rig.Lines.Set(CommandRig.PanicPin, false);
        await WaitForAcceptedAsync(1);
        _rig.Lines.Set(CommandRig.PanicPin, true);

        // Act
        var result = await _rig.SendAsync(_rig.Command("c-1", "reset", """ "input":"no-such-input" """));
        await _rig.Time.RunForAsync(TimeSpan.FromSeconds(1), _rig.Timeout);

        // Assert
        Assert.Equal(CommandErrors.UnknownInput, CommandRig.ErrorCode(result));
        Assert.Contains("no-such-input", CommandRig.Json(result).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(CommandRig.Json(result).GetProperty("ok").GetBoolean());
        Assert.Equal([EventState.Active], _rig.Store.Accepted.Select(d => d.State));
    }

    [Fact]
    public async Task Reset_InputNotAString_IsInvalidArgument()
    {
        var result = await _rig.SendAsync(_rig.Command("c-1", "reset", """ "input":17 """));

        Assert.Equal(CommandErrors.InvalidArgument, CommandRig.ErrorCode(result));
    }

    [Fact]
    public async Task Silence_SilencesTheSounder_AndSaysItWasSounding()
    {
        _rig.Sounder.Sounding = true;

        var result = await _rig.SendAsync(_rig.Command("c-1", "silence"));

        Assert.True(result.Ok);
        Assert.False(_rig.Sounder.Sounding);
        Assert.Equal("True", CommandRig.Detail(result, "wasSounding"));
        Assert.Equal(JsonValueKind.True, CommandRig.Json(result).GetProperty("detail").GetProperty("wasSounding").ValueKind);
    }

    [Fact]
    public async Task Silence_SounderFault_IsAFailedResult_NotAnException()
    {
        _rig.Sounder.Fault = new IOException("GPIO 22 write failed");

        var result = await _rig.SendAsync(_rig.Command("c-1", "silence"));

        Assert.Equal(CommandErrors.Failed, CommandRig.ErrorCode(result));
        Assert.Equal("c-1", result.Id);
    }

    [Fact]
    public async Task Silence_GatewayWithoutSounder_IsUnknownCommand()
    {
        await using var rig = new CommandRig(withSounder: false);

        var result = await rig.SendAsync(rig.Command("c-1", "silence"));

        Assert.Equal(CommandErrors.UnknownCommand, CommandRig.ErrorCode(result));
    }

    [Fact]
    public async Task TestMode_On_MarksEvents_AndEndsByItselfAfterTheTimeout()
    {
        var result = await _rig.SendAsync(_rig.Command("c-1", "test-mode", """ "on":true,"timeoutSeconds":2 """));
        var during = RecordPress();
        _rig.Time.Advance(TimeSpan.FromSeconds(2));
        var after = RecordPress();

        Assert.True(result.Ok);
        Assert.Equal("2", CommandRig.Detail(result, "timeoutSeconds"));
        Assert.Equal("2026-11-29T05:00:02.000Z", CommandRig.Detail(result, "until"));
        Assert.True(during.Test);
        Assert.Contains("\"test\":true", Encoding.UTF8.GetString(_rig.Store.ReadPending(10)[0].Payload), StringComparison.Ordinal);
        Assert.False(after.Test);
        Assert.False(_rig.Recorder.TestMode);
    }

    [Fact]
    public async Task TestMode_OnAgain_ExtendsFromThen()
    {
        await _rig.SendAsync(_rig.Command("c-1", "test-mode", """ "on":true,"timeoutSeconds":10 """));
        _rig.Time.Advance(TimeSpan.FromSeconds(8));
        await _rig.SendAsync(_rig.Command("c-2", "test-mode", """ "on":true,"timeoutSeconds":10 """));
        _rig.Time.Advance(TimeSpan.FromSeconds(8));
        var stillOn = _rig.Recorder.TestMode;
        _rig.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(stillOn);
        Assert.False(_rig.Recorder.TestMode);
    }

    [Fact]
    public async Task TestMode_WithoutTimeout_LastsTheDefault()
    {
        await _rig.SendAsync(_rig.Command("c-1", "test-mode", """ "on":true """));
        _rig.Time.Advance(TimeSpan.FromSeconds(3599));
        var before = _rig.Recorder.TestMode;
        _rig.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(before);
        Assert.False(_rig.Recorder.TestMode);
    }

    [Fact]
    public async Task TestMode_Off_EndsItNow_AndTheOldTimerDoesNothingLater()
    {
        await _rig.SendAsync(_rig.Command("c-1", "test-mode", """ "on":true,"timeoutSeconds":10 """));
        var result = await _rig.SendAsync(_rig.Command("c-2", "test-mode", """ "on":false """));
        var offNow = !_rig.Recorder.TestMode;
        _rig.Recorder.TestMode = true; // a walk test started by hand afterwards
        _rig.Time.Advance(TimeSpan.FromSeconds(20));

        Assert.True(offNow);
        Assert.Equal("True", CommandRig.Detail(result, "wasOn"));
        Assert.True(_rig.Recorder.TestMode);
    }

    [Theory]
    [InlineData(""" "on":"yes" """)]
    [InlineData(""" "on":1 """)]
    [InlineData(""" "timeoutSeconds":60 """)]
    [InlineData(""" "on":true,"timeoutSeconds":7201 """)]
    [InlineData(""" "on":true,"timeoutSeconds":0 """)]
    [InlineData(""" "on":true,"timeoutSeconds":2.5 """)]
    [InlineData(""" "on":true,"timeoutSeconds":"60" """)]
    [InlineData(""" "on":true,"timeoutSeconds":1e400 """)]
    [InlineData(""" "on":true,"timeoutSeconds":123456789012345678901234567890 """)]
    public async Task TestMode_BadArguments_AreInvalidArgument_AndChangeNothing(string arguments)
    {
        var result = await _rig.SendAsync(_rig.Command("c-1", "test-mode", arguments));

        Assert.Equal(CommandErrors.InvalidArgument, CommandRig.ErrorCode(result));
        Assert.Equal("c-1", result.Id);
        Assert.False(_rig.Recorder.TestMode);
    }

    [Fact]
    public async Task Status_AsksTheReporter()
    {
        var result = await _rig.SendAsync(_rig.Command("c-1", "status"));

        Assert.True(result.Ok);
        Assert.Equal(1, _rig.Reporter.Reports);
    }

    [Fact]
    public async Task Status_NotConnected_IsNotConnected()
    {
        _rig.Reporter.Connected = false;

        var result = await _rig.SendAsync(_rig.Command("c-1", "status"));

        Assert.Equal(CommandErrors.NotConnected, CommandRig.ErrorCode(result));
    }

    [Fact]
    public async Task Status_BrokerNeverAnswers_GivesUpAfterTheTimeout()
    {
        _rig.Reporter.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var pending = _rig.SendAsync(_rig.Command("c-1", "status"));
        await _rig.Time.WaitForNewTimerAsync(_rig.Timeout);
        _rig.Time.Advance(CommandProcessor.StatusTimeout);
        var result = await pending.WaitAsync(_rig.Timeout);

        Assert.Equal(CommandErrors.NotConnected, CommandRig.ErrorCode(result));
    }

    [Fact]
    public async Task UnknownCommand_IsRefused_WithItsIdAndName()
    {
        var result = await _rig.SendAsync(_rig.Command("c-1", "frobnicate"));

        var json = CommandRig.Json(result);
        Assert.Equal(CommandErrors.UnknownCommand, CommandRig.ErrorCode(result));
        Assert.Equal("c-1", json.GetProperty("id").GetString());
        Assert.Equal("frobnicate", json.GetProperty("command").GetString());
        Assert.Equal(1, json.GetProperty("v").GetInt32());
        Assert.Equal("2026-11-29T05:00:00.000Z", json.GetProperty("ts").GetString());
        Assert.False(json.TryGetProperty("detail", out _));
    }

    [Fact]
    public async Task RepeatedId_SendsTheFirstResultAgain_WithoutRunningTwice()
    {
        _rig.Sounder.Sounding = true;
        var command = _rig.Command("c-1", "silence");

        var first = await _rig.SendAsync(command);
        _rig.Time.Advance(TimeSpan.FromSeconds(5));
        var again = await _rig.SendAsync(command);

        Assert.Equal(1, _rig.Sounder.SilenceCalls);
        Assert.Equal(first.Payload, again.Payload);
    }

    [Fact]
    public async Task RememberedIds_AreBounded_TheOldestIsForgotten()
    {
        await _rig.SendAsync(_rig.Command("c-0", "silence"));
        var remembered = new CommandOptions().RememberedIds;
        for (var i = 1; i <= remembered; i++)
        {
            await _rig.SendAsync(_rig.Command($"c-{i}", "reset"));
        }

        await _rig.SendAsync(_rig.Command("c-0", "silence"));
        await _rig.SendAsync(_rig.Command($"c-{remembered}", "silence"));

        Assert.Equal(2, _rig.Sounder.SilenceCalls);
    }

    [Theory]
    [InlineData(-121)]
    [InlineData(121)]
    public async Task Stale_OutsideMaxAge_IsRefused_AndChangesNothing(int secondsFromNow)
    {
        _rig.Sounder.Sounding = true;
        var ts = _rig.Time.GetUtcNow().AddSeconds(secondsFromNow);

        var result = await _rig.SendAsync($$"""{"id":"c-1","command":"silence","ts":"{{ts:yyyy-MM-ddTHH:mm:ss.fffZ}}"}""");

        Assert.Equal(CommandErrors.Stale, CommandRig.ErrorCode(result));
        Assert.True(_rig.Sounder.Sounding);
    }

    [Fact]
    public async Task Stale_WithinMaxAge_IsCarriedOut()
    {
        var ts = _rig.Time.GetUtcNow().AddSeconds(-119);

        var result = await _rig.SendAsync($$"""{"id":"c-1","command":"silence","ts":"{{ts:yyyy-MM-ddTHH:mm:ss.fffZ}}"}""");

        Assert.True(result.Ok);
    }


    [Theory]
    [InlineData("{not json", null)]
    [InlineData("[1,2,3]", null)]
    [InlineData("\"reset\"", null)]
    [InlineData("", null)]
    [InlineData("""{"command":"reset","ts":"2026-11-29T05:00:00.000Z"}""", null)]
    [InlineData("""{"id":42,"command":"reset","ts":"2026-11-29T05:00:00.000Z"}""", null)]
    [InlineData("""{"id":"","command":"reset","ts":"2026-11-29T05:00:00.000Z"}""", null)]
    [InlineData("""{"id":"c-1","ts":"2026-11-29T05:00:00.000Z"}""", "c-1")]
    [InlineData("""{"id":"c-1","command":["reset"],"ts":"2026-11-29T05:00:00.000Z"}""", "c-1")]
    [InlineData("""{"id":"c-1","command":"reset"}""", "c-1")]
    [InlineData("""{"id":"c-1","command":"reset","ts":"yesterday"}""", "c-1")]
    [InlineData("""{"id":"c-1","command":"reset","ts":1764392400}""", "c-1")]
    [InlineData("""{"id":"c-1","command":"reset","ts":"2026-11-29T05:00:00.000Z",}""", null)]
    public async Task Malformed_IsRefused_WithTheIdWhenReadable(string payload, string? expectedId)
    {
        var result = await _rig.SendAsync(payload);

        var json = CommandRig.Json(result);
        Assert.Equal(CommandErrors.Malformed, CommandRig.ErrorCode(result));
        Assert.Equal(expectedId, json.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.False, json.GetProperty("ok").ValueKind);
    }

    [Fact]
    public async Task Malformed_IdLongerThan64_IsNotEchoed()
    {
        var result = await _rig.SendAsync(_rig.Command(new string('x', 65), "reset"));

        Assert.Equal(CommandErrors.Malformed, CommandRig.ErrorCode(result));
        Assert.Equal(JsonValueKind.Null, CommandRig.Json(result).GetProperty("id").ValueKind);
    }

    [Fact]
    public async Task InvalidUtf8_IsMalformed()
    {
        var prefix = Encoding.UTF8.GetBytes("""{"id":"c-1","command":"res""");
        var suffix = Encoding.UTF8.GetBytes("""et","ts":"2026-11-29T05:00:00.000Z"}""");
        byte[] payload = [.. prefix, 0xC3, 0x28, 0xFF, .. suffix];

        var result = await _rig.SendAsync(payload);

        Assert.Equal(CommandErrors.Malformed, CommandRig.ErrorCode(result));
        Assert.Equal(0, _rig.Sounder.SilenceCalls);
    }

    [Fact]
    public async Task DeeplyNestedJson_IsMalformed_WithoutRecursingDeep()
    {
        var depth = 2000;
        var payload = """{"id":"c-1","command":"reset","ts":"2026-11-29T05:00:00.000Z","input":""" + new string('[', depth) + new string(']', depth) + "}";
        await using var rig = new CommandRig(options: new CommandOptions { MaxPayloadBytes = 8192 });

        var result = await rig.SendAsync(payload);

        Assert.Equal(CommandErrors.Malformed, CommandRig.ErrorCode(result));
        Assert.Equal(JsonValueKind.Null, CommandRig.Json(result).GetProperty("id").ValueKind);
    }

    [Fact]
    public async Task OneMegabyte_IsTooLarge_BeforeParsing()
    {
        // Valid JSON a megabyte long: refused for its size, not its contents.
        var payload = _rig.Command("c-1", "silence", $""" "pad":"{new string('a', 1024 * 1024)}" """);

        var result = await _rig.SendAsync(payload);

        Assert.Equal(CommandErrors.TooLarge, CommandRig.ErrorCode(result));
        Assert.Equal(JsonValueKind.Null, CommandRig.Json(result).GetProperty("id").ValueKind);
        Assert.Equal(0, _rig.Sounder.SilenceCalls);
    }

    [Fact]
    public async Task AtTheSizeLimit_IsCarriedOut()
    {
        var command = _rig.Command("c-1", "silence", """ "pad":"" """);
        var padded = command.Replace("\"pad\":\"\"", $"\"pad\":\"{new string('a', 4096 - command.Length)}\"", StringComparison.Ordinal);

        var result = await _rig.SendAsync(padded);

        Assert.Equal(4096, Encoding.UTF8.GetByteCount(padded));
        Assert.True(result.Ok);
    }

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    private EventDraft RecordPress()
    {
        _rig.Recorder.Record([new NewEvent("office-panic", EventKind.Panic, EventState.Active, "Main office")]);
        return _rig.Store.Accepted[^1];
    }

    private async Task WaitForAcceptedAsync(int count)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAppended(IReadOnlyList<OutboxEntry> _)
        {
            if (_rig.Store.Accepted.Count >= count)
            {
                done.TrySetResult();
            }
        }

        _rig.Store.Appended += OnAppended;
        try
        {
            if (_rig.Store.Accepted.Count < count)
            {
                await _rig.Time.RunUntilAsync(done.Task, _rig.Timeout);
            }
        }
        finally
        {
            _rig.Store.Appended -= OnAppended;
        }
    }
}
