using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Tests.Rigs;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Inputs;

/// <summary>Lines that cannot be opened: a fault the center sees, retries with backoff, and inputs that work once opened.</summary>
public sealed class InputMonitorOpenRetryTests
{
    private const string Reason = "libgpiod is not installed: apt install libgpiod2 (Raspberry Pi OS bookworm) or libgpiod3 (trixie)";
    private readonly RecorderRig _rig = new();

    [Fact]
    public async Task LinesThatCannotBeOpened_FaultAtOnce_RetryWithBackoff_ThenRestoreAndReportPresses()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var lines = new FakeInputLines { OpenFailures = 3, OpenFailureReason = Reason, Clock = _rig.Time };
        var liveness = new LivenessRegistry(_rig.Time);
        var supervision = new LoopSupervision(_rig.Time);
        var panic = new InputOptions { Id = "office-panic", Pin = 17, Kind = EventKind.Panic, Contact = ContactType.NO, DebounceMs = 20 };
        using var sut = new InputMonitor(
            lines, _rig.Recorder, Options.Create(new InputsOptions { Inputs = [panic] }), Options.Create(new GpioOptions()),
            _rig.Time, NullLogger<InputMonitor>.Instance, liveness) { Supervision = supervision };

        await sut.StartAsync(timeout.Token);

        // The fault is on the alarm lane before start returns: the center knows at once.
        Assert.Equal(["gpio fault active"], _rig.Summaries);
        Assert.False(sut.LinesOpen);
        using (var fault = JsonDocument.Parse(_rig.Entries[0].Payload))
        {
            var detail = fault.RootElement.GetProperty("detail");
            Assert.Equal(("inputs-unavailable", Reason), (detail.GetProperty("fault").GetString(), detail.GetProperty("reason").GetString()));
        }

        // Retries after 1 s and 2 s (failing), then 4 s (opening); the loop beats meanwhile, so the watchdog is fed.
        await _rig.RunUntilAsync(() => lines.OpenAttemptTimes.Count == 2, s_step, timeout.Token);
        AssertBackoff(TimeSpan.FromSeconds(1), lines.OpenAttemptTimes[1] - lines.OpenAttemptTimes[0]);
        Assert.Equal(LoopStatus.Unavailable, supervision.Snapshot().Single().State);
        await _rig.RunUntilAsync(() => lines.OpenAttemptTimes.Count == 3, s_step, timeout.Token);
        AssertBackoff(TimeSpan.FromSeconds(2), lines.OpenAttemptTimes[2] - lines.OpenAttemptTimes[1]);
        await _rig.RunUntilAsync(() => sut.LinesOpen, s_step, timeout.Token);
        AssertBackoff(TimeSpan.FromSeconds(4), lines.OpenAttemptTimes[3] - lines.OpenAttemptTimes[2]);
        Assert.InRange(liveness.SinceLastBeat(LivenessRegistry.Inputs)!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        await _rig.RunUntilAsync(() => _rig.Entries.Count == 2, s_step, timeout.Token);
        lines.Set(17, high: false);
        await _rig.RunUntilAsync(() => _rig.Entries.Count == 3, s_step, timeout.Token);
        await sut.StopAsync(timeout.Token);

        Assert.Equal(["gpio fault active", "gpio fault restored", "office-panic panic active"], _rig.Summaries);
        using var restored = JsonDocument.Parse(_rig.Entries[1].Payload);
        Assert.Equal("4", restored.RootElement.GetProperty("detail").GetProperty("attempts").GetString());
        Assert.Equal(LoopStatus.Stopped, supervision.Snapshot().Single().State);
        Assert.Equal(Reason, supervision.Snapshot().Single().LastError);
    }

    // The loop thread may start its delay one advance step after the attempt on a busy machine: the measured gap is
    // the backoff, or at most one step more, never less.
    private static void AssertBackoff(TimeSpan expected, TimeSpan measured) =>
        Assert.InRange(measured, expected, expected + s_step);

    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(100);
}
