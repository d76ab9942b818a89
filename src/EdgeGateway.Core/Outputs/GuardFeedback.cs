using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Outputs;

/// <summary>
/// Opens the outputs (all off), feeds accepted alarms to <see cref="CenterAcknowledgements"/>, and runs the status
/// LED and the local escalation. On stop every output goes off.
/// </summary>
public sealed class GuardFeedback(
    IOutputLines lines,
    IOptions<OutputsOptions> outputs,
    EventRecorder recorder,
    CenterAcknowledgements acknowledgements,
    StatusLed led,
    LocalEscalation escalation) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lines.Open(outputs.Value.Outputs);
        recorder.Accepted += acknowledgements.Accepted;
        escalation.Start();
        led.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        led.Stop();
        escalation.Stop();
        recorder.Accepted -= acknowledgements.Accepted;
        lines.Close();
        return Task.CompletedTask;
    }
}
