using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Outputs;

/// <summary>
/// Opens the outputs (all off) and runs the status LED and the local escalation, which follow the ack state of
/// <see cref="Downlink.CenterAcknowledgements"/>. On stop every output goes off.
/// </summary>
public sealed class GuardFeedback(
    IOutputLines lines,
    IOptions<OutputsOptions> outputs,
    StatusLed led,
    LocalEscalation escalation) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lines.Open(outputs.Value.Outputs);
        escalation.Start();
        led.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        led.Stop();
        escalation.Stop();
        lines.Close();
        return Task.CompletedTask;
    }
}
