using EdgeGateway.Core.Downlink.Commands;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Outputs;

/// <summary>
/// Opens the outputs (all off) and runs the status LED and the local escalation, which follow the ack state of
/// <see cref="Downlink.CenterAcknowledgements"/>, and the <see cref="OutputRole.TestMode"/> outputs, on while the
/// center's test mode is. On stop every output goes off.
/// </summary>
public sealed class GuardFeedback(
    IOutputLines lines,
    IOptions<OutputsOptions> outputs,
    StatusLed led,
    LocalEscalation escalation,
    TestModeSwitch? testMode = null) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lines.Open(outputs.Value.Outputs);
        escalation.Start();
        led.Start();
        if (testMode is not null)
        {
            testMode.Changed += ShowTestMode;
            ShowTestMode();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (testMode is not null)
        {
            testMode.Changed -= ShowTestMode;
        }

        led.Stop();
        escalation.Stop();
        lines.Close();
        return Task.CompletedTask;
    }

    private void ShowTestMode() => lines.Set(OutputRole.TestMode, testMode?.Current is not null);
}
