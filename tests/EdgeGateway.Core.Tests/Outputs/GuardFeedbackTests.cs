using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Tests.Rigs;
using EdgeGateway.Core.Tests.Support;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Outputs;

public sealed class GuardFeedbackTests
{
    private static readonly OutputOptions[] s_outputs =
    [
        new() { Id = "status-led", Pin = 5, Role = OutputRole.StatusLed },
        new() { Id = "buzzer", Pin = 6, Role = OutputRole.Sounder },
    ];

    [Fact]
    public async Task Start_OpensOutputs_AndAnAlarmRecordedIsTrackedAsAccepted_StopClosesThem()
    {
        var rig = new RecorderRig();
        var lines = new RecordingOutputLines(rig.Time);
        using var acks = new CenterAcknowledgements(rig.Time, new RecordingLogger<CenterAcknowledgements>(), Options.Create(new AckOptions()));
        using var led = new StatusLed(lines, acks, () => true, rig.Time, new RecordingLogger<StatusLed>());
        var escalation = new LocalEscalation(lines, acks, new RecordingLogger<LocalEscalation>());
        var tracking = new AckTracking(rig.Recorder, acks);
        var feedback = new GuardFeedback(lines, Options.Create(new OutputsOptions { Outputs = [.. s_outputs] }), led, escalation);

        await tracking.StartAsync(CancellationToken.None);
        await feedback.StartAsync(CancellationToken.None);
        var alarm = rig.Recorder.Record([new NewEvent("office-panic", EventKind.Panic, EventState.Active, "office")]).Single();

        Assert.Equal(s_outputs, lines.Opened);
        Assert.Equal(AlarmAckState.Accepted, acks.StateOf(alarm.EventId));
        Assert.Equal(LedIndication.WaitingForCenter, led.Indication);

        await feedback.StopAsync(CancellationToken.None);
        await tracking.StopAsync(CancellationToken.None);
        Assert.True(lines.Closed);
        var after = rig.Recorder.Record([new NewEvent("gate-panic", EventKind.Panic, EventState.Active, "gate")]).Single();
        Assert.Null(acks.StateOf(after.EventId));
    }
}
