using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Tests.Rigs;
using EdgeGateway.Core.Tests.Support;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Outputs;

/// <summary>While the center's test mode is on, the status LED double-blips and the <c>TestMode</c> output is on.</summary>
public sealed class TestModeIndicationTests : IDisposable
{
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(50);
    private static readonly OutputOptions[] s_outputs =
    [
        new() { Id = "led", Pin = 5, Role = OutputRole.StatusLed },
        new() { Id = "test-lamp", Pin = 6, Role = OutputRole.TestMode },
    ];

    private readonly RecorderRig _recorder = new();
    private readonly RecordingOutputLines _lines;
    private readonly CenterAcknowledgements _acks;
    private readonly TestModeSwitch _testMode;
    private readonly StatusLed _led;
    private readonly GuardFeedback _feedback;

    public TestModeIndicationTests()
    {
        _lines = new RecordingOutputLines(_recorder.Time);
        _acks = new CenterAcknowledgements(_recorder.Time, new RecordingLogger<CenterAcknowledgements>(), Options.Create(new AckOptions()));
        _testMode = new TestModeSwitch(_recorder.Recorder, Options.Create(new CommandOptions()), _recorder.Time, new RecordingLogger<TestModeSwitch>());
        _led = new StatusLed(_lines, _acks, () => true, _recorder.Time, new RecordingLogger<StatusLed>(), _testMode);
        var escalation = new LocalEscalation(_lines, _acks, new RecordingLogger<LocalEscalation>());
        _feedback = new GuardFeedback(_lines, Options.Create(new OutputsOptions { Outputs = [.. s_outputs] }), _led, escalation, _recorder.Recorder, _recorder.Time, new RecordingLogger<GuardFeedback>(), _testMode);
    }

    [Fact]
    public async Task TestModeOn_DoubleBlip_AndTheTestOutputOn_UntilItEnds()
    {
        await _feedback.StartAsync(CancellationToken.None);
        var outputBefore = _lines.IsOn(OutputRole.TestMode);

        _testMode.TurnOn(TimeSpan.FromSeconds(4), inputs: null);
        Run(TimeSpan.FromSeconds(3.9));
        var indicationWhileOn = _led.Indication;
        var outputWhileOn = _lines.IsOn(OutputRole.TestMode);
        Run(TimeSpan.FromSeconds(0.2));

        Assert.False(outputBefore);
        Assert.Equal(LedIndication.TestMode, indicationWhileOn);
        Assert.True(outputWhileOn);
        Assert.False(_lines.IsOn(OutputRole.TestMode));
        Assert.Equal(LedIndication.Idle, _led.Indication);
        var onSteps = StatusLed.PatternOf(LedIndication.TestMode);
        Assert.Equal([100, 150, 100, 1650], onSteps.Select(s => (int)s.Duration.TotalMilliseconds));
        Assert.Equal([true, false, true, false], onSteps.Select(s => s.On));
        await _feedback.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AnAlarmWaitingForTheCenter_StillShowsFirst()
    {
        await _feedback.StartAsync(CancellationToken.None);
        _testMode.TurnOn(TimeSpan.FromMinutes(10), inputs: null);
        var entry = _recorder.Recorder.Record([new NewEvent("office-panic", EventKind.Panic, EventState.Active, "office")]).Single();

        _acks.Accepted([entry]);

        Assert.Equal(LedIndication.WaitingForCenter, _led.Indication);
        await _feedback.StopAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        _led.Dispose();
        _testMode.Dispose();
        _acks.Dispose();
    }

    private void Run(TimeSpan duration)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += s_tick)
        {
            _recorder.Time.Advance(s_tick);
        }
    }
}
