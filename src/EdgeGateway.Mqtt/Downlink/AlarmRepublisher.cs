using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Connection;
using EdgeGateway.Mqtt.Uplink;
using MQTTnet.Exceptions;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Mqtt.Downlink;

/// <summary>
/// Publishes again, with the same id, bytes and topic at QoS 1, every alarm <see cref="CenterAcknowledgements"/>
/// reports as not acknowledged by the center in time. While the path is down it waits for the next session, so a
/// republish that fell due during an outage goes out on reconnect. An alarm acknowledged meanwhile is not sent.
/// </summary>
public sealed class AlarmRepublisher(
    MqttConnection connection,
    TopicScheme topics,
    CenterAcknowledgements acknowledgements,
    TimeProvider time,
    ILogger<AlarmRepublisher> logger) : SupervisedLoop
{
    protected override async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await acknowledgements.WaitForRepublishAsync(stoppingToken);
                while (acknowledgements.DueForRepublish().Count > 0)
                {
                    if (!await RepublishDueAsync(stoppingToken))
                    {
                        // Refused or failed on a live session: pause so a refusal cannot spin.
                        await Task.Delay(OutboxForwarder.RefusalPause, time, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Sends what is due on the next session. False if the broker refused one or a publish failed.</summary>
    private async Task<bool> RepublishDueAsync(CancellationToken stoppingToken)
    {
        var session = await connection.WaitForSessionAsync(stoppingToken);
        using var sessionOver = CancellationTokenSource.CreateLinkedTokenSource(session.Lost, stoppingToken);
        try
        {
            foreach (var entry in acknowledgements.DueForRepublish())
            {
                var result = await session.Client.PublishAsync(OutboxForwarder.ToMessage(topics, entry), sessionOver.Token);
                if (!BrokerAnswer.Accepted(result.ReasonCode))
                {
                    Log.RepublishRefused(logger, entry.EventId, result.ReasonCode.ToString());
                    return false;
                }

                acknowledgements.Republished(entry);
                Log.Republished(logger, entry.EventId);
            }

            return true;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The session ended: what is still due goes out on the next one.
            return true;
        }
        catch (MqttCommunicationException ex)
        {
            Log.RepublishFailed(logger, ex.Message);
            return false;
        }
    }
}
