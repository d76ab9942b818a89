using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Outputs;

/// <summary>
/// Opens the outputs (all off) and runs the status LED and the local escalation, which follow the ack state of
/// <see cref="Downlink.CenterAcknowledgements"/>. The <see cref="OutputRole.TestMode"/> outputs are on while the center's test mode is. On stop every output goes off. Outputs that cannot be opened
/// (libgpiod missing, a wrong <c>Gpio:Chip</c>) do not stop the gateway, as inputs do not (<see cref="LineOpening"/>):
/// a <c>gpio</c> fault (<c>outputs-unavailable</c>, with the reason) is recorded, the opening is retried with the
/// supervision backoff, and the LED and sounder start once the outputs are open.
/// </summary>
public sealed class GuardFeedback(
    IOutputLines lines,
    IOptions<OutputsOptions> outputs,
    StatusLed led,
    LocalEscalation escalation,
    EventRecorder recorder,
    TimeProvider time,
    ILogger<GuardFeedback> logger,
    TestModeSwitch? testMode = null) : SupervisedLoop
{
    /// <summary>The <c>detail.fault</c> of the fault raised while the outputs cannot be opened.</summary>
    public const string OutputsUnavailableFault = "outputs-unavailable";

    private readonly LineOpening _opening = new("Outputs", OutputsUnavailableFault, recorder, logger);
    private int _running;

    /// <summary>Whether the outputs are open (false while they cannot be, and the opening is being retried).</summary>
    public bool OutputsOpen => _opening.IsOpen;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // At once when it works, so the outputs are driven when start returns.
        if (_opening.TryOpen(OpenOutputs, Supervision.Policy) is { } error)
        {
            ReportUnavailable(error.Message);
        }
        else
        {
            StartIndications();
        }

        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Interlocked.Exchange(ref _running, 0) == 1)
        {
            if (testMode is not null)
            {
                testMode.Changed -= ShowTestMode;
            }

            led.Stop();
            escalation.Stop();
        }

        if (_opening.IsOpen)
        {
            lines.Close();
        }
    }

    protected override async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        if (!_opening.IsOpen)
        {
            await _opening.OpenAsync(OpenOutputs, Supervision.Policy, time, waiting: null, error => ReportUnavailable(error.Message), stoppingToken);
            ReportAvailable();
            StartIndications();
        }

        // Nothing more to do here: the LED and the escalation run on their own timers and the ack state's events.
        await Task.Delay(Timeout.InfiniteTimeSpan, time, stoppingToken);
    }

    private void OpenOutputs() => lines.Open(outputs.Value.Outputs);

    private void StartIndications()
    {
        if (Interlocked.Exchange(ref _running, 1) == 0)
        {
            escalation.Start();
            led.Start();
            if (testMode is not null)
            {
                testMode.Changed += ShowTestMode;
                ShowTestMode();
            }
        }
    }

    private void ShowTestMode() => lines.Set(OutputRole.TestMode, testMode?.Current is not null);
}
