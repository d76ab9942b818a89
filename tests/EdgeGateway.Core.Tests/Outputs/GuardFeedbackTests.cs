using System.Text.Json;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Health;
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
        var feedback = new GuardFeedback(lines, Options.Create(new OutputsOptions { Outputs = [.. s_outputs] }), led, escalation, rig.Recorder, rig.Time, new RecordingLogger<GuardFeedback>());

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

    [Fact]
    public async Task OutputsThatCannotBeOpened_DoNotStopTheStart_FaultAtOnce_RetryWithBackoff_ThenTheLedAndSounderWork()
    {
        const string reason = "libgpiod is not installed: apt install libgpiod2 (Raspberry Pi OS bookworm) or libgpiod3 (trixie)";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var rig = new RecorderRig();
        var lines = new RecordingOutputLines(rig.Time) { OpenFailures = 2, OpenFailureReason = reason };
        using var acks = new CenterAcknowledgements(rig.Time, new RecordingLogger<CenterAcknowledgements>(), Options.Create(new AckOptions { TimeoutSeconds = 1 }));
        using var led = new StatusLed(lines, acks, () => true, rig.Time, new RecordingLogger<StatusLed>());
        var escalation = new LocalEscalation(lines, acks, new RecordingLogger<LocalEscalation>());
        var tracking = new AckTracking(rig.Recorder, acks);
        var supervision = new LoopSupervision(rig.Time);
        using var feedback = new GuardFeedback(lines, Options.Create(new OutputsOptions { Outputs = [.. s_outputs] }), led, escalation, rig.Recorder, rig.Time, new RecordingLogger<GuardFeedback>())
        {
            Supervision = supervision,
        };
        await tracking.StartAsync(timeout.Token);

        // Start returns (the host goes on starting), and the center gets the fault at once, with the fix in words.
        await feedback.StartAsync(timeout.Token);
        Assert.False(feedback.OutputsOpen);
        Assert.Equal(["gpio fault active"], rig.Summaries);
        using (var fault = JsonDocument.Parse(rig.Entries[0].Payload))
        {
            var detail = fault.RootElement.GetProperty("detail");
            Assert.Equal(("outputs-unavailable", reason), (detail.GetProperty("fault").GetString(), detail.GetProperty("reason").GetString()));
        }

        Assert.Equal(LoopStatus.Unavailable, supervision.Snapshot().Single().State);

        // Retried with the backoff (1 s, then 2 s): opened at the third attempt, the fault restored.
        await rig.RunUntilAsync(() => feedback.OutputsOpen, TimeSpan.FromMilliseconds(100), timeout.Token);
        Assert.Equal(3, lines.OpenAttempts);
        Assert.Equal(s_outputs, lines.Opened);
        Assert.Equal(["gpio fault active", "gpio fault restored"], rig.Summaries);
        using (var restored = JsonDocument.Parse(rig.Entries[1].Payload))
        {
            Assert.Equal("3", restored.RootElement.GetProperty("detail").GetProperty("attempts").GetString());
        }

        Assert.Equal(LoopStatus.Running, supervision.Snapshot().Single().State);

        // Once open the LED follows the alarms, and an alarm the center never acks sounds the sounder.
        rig.Recorder.Record([new NewEvent("office-panic", EventKind.Panic, EventState.Active, "office")]);
        Assert.Equal(LedIndication.WaitingForCenter, led.Indication);
        var alarm = rig.Entries.Last();
        acks.Published(alarm);
        await rig.RunUntilAsync(() => lines.IsOn(OutputRole.Sounder), TimeSpan.FromMilliseconds(100), timeout.Token);

        await feedback.StopAsync(timeout.Token);
        await tracking.StopAsync(timeout.Token);
        Assert.True(lines.Closed);
    }
}
