using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Connection;
using EdgeGateway.Mqtt.Uplink;
using MQTTnet.Exceptions;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Mqtt.Downlink;

/// <summary>
/// Publishes again, with the same id, bytes and topic at QoS 1 (reduced, as at its first send, if it is too large for the
/// broker), and within the PUBACK deadline the gateway owns, every alarm <see cref="CenterAcknowledgements"/>
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
                if (OutboxForwarder.ToFittingMessage(topics, entry, session) is not { } message)
                {
                    // Nothing of it can go; the set-aside fault already told the center about it.
                    Log.RepublishTooLarge(logger, entry.EventId);
                    acknowledgements.Republished(entry);
                    continue;
                }

                var result = await connection.PublishAsync(message, sessionOver.Token);
                if (BrokerAnswer.Poison(result.ReasonCode) && ReducedAlarm.For(entry) is { } reduced)
                {
                    // Refused for what it is (as at its first send): the reduced form goes, as it did then.
                    result = await connection.PublishAsync(OutboxForwarder.ToMessage(topics, reduced), sessionOver.Token);
                }

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
        catch (Exception ex) when (ex is MqttCommunicationException or PubackOverdueException)
        {
            Log.RepublishFailed(logger, ex.Message);
            return false;
        }
    }
}
