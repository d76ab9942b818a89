using EdgeGateway.Connection;
using EdgeGateway.Downlink;
using EdgeGateway.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Uplink;

/// <summary>
/// Drains the outbox to the broker: reads a window of pending entries (alarms first), publishes them pipelined
/// at QoS 1, and removes only those the broker acknowledged. Anything not acknowledged stays and is sent again
/// on the next session with the same id and bytes.
/// </summary>
public sealed class OutboxForwarder(
    MqttConnection connection,
    IOutboxStore store,
    OutboxSignal signal,
    TopicScheme topics,
    CenterAcknowledgements acknowledgements,
    IOptions<MqttOptions> options,
    TimeProvider time,
    ILogger<OutboxForwarder> logger,
    Health.LivenessRegistry? liveness = null) : BackgroundService
{
    /// <summary>Pause after the broker refused a message (a reason code, not a lost connection), so a refusal cannot spin.</summary>
    public static readonly TimeSpan RefusalPause = TimeSpan.FromSeconds(5);

    private readonly int _window = options.Value.InFlightWindow;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            MqttSession session;
            try
            {
                session = await connection.WaitForSessionAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using var sessionOver = CancellationTokenSource.CreateLinkedTokenSource(session.Lost, stoppingToken);
            try
            {
                await DrainWhileConnectedAsync(session, sessionOver.Token);
            }
            catch (OperationCanceledException)
            {
                // The session ended (wait for the next one) or the gateway is stopping (the loop ends).
            }
        }
    }

    private async Task DrainWhileConnectedAsync(MqttSession session, CancellationToken sessionOver)
    {
        while (true)
        {
            liveness?.Beat(Health.LivenessRegistry.Forwarder);
            sessionOver.ThrowIfCancellationRequested();
            var batch = store.ReadPending(_window);
            if (batch.Count == 0)
            {
                await signal.WaitAsync(sessionOver);
                continue;
            }

            var publishes = new Task<MqttClientPublishResult>[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                // Tracked before sending: the center's ack can arrive before we have processed the PUBACK.
                acknowledgements.Published(batch[i]);
                // Started in outbox order; MQTTnet sends them in call order and we await the PUBACKs together.
                publishes[i] = session.Client.PublishAsync(ToMessage(batch[i]), sessionOver);
            }

            try
            {
                await Task.WhenAll(publishes);
            }
            catch (Exception)
            {
                // Inspected per publish below: some may have been acknowledged before the failure.
            }

            var acknowledged = new List<OutboxEntry>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                if (publishes[i].IsCompletedSuccessfully)
                {
                    var result = publishes[i].Result;
                    if (IsAccepted(result.ReasonCode))
                    {
                        acknowledged.Add(batch[i]);
                    }
                    else
                    {
                        Log.PublishRefused(logger, batch[i].Seq, result.ReasonCode.ToString(), result.ReasonString ?? "");
                    }
                }
            }

            if (acknowledged.Count > 0)
            {
                store.Remove(acknowledged);

                Log.Forwarded(logger, acknowledged.Count, acknowledged[0].Seq, acknowledged[^1].Seq);
            }

            if (acknowledged.Count < batch.Count)
            {
                // Refused, timed out or disconnected: pause so a refusal cannot spin; a lost session ends the wait at once.
                await Task.Delay(RefusalPause, time, sessionOver);
            }
        }
    }

    /// <summary>Success, or accepted with nobody subscribed yet: both mean the broker took it.</summary>
    private static bool IsAccepted(MqttClientPublishReasonCode code) =>
        code is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;

    private MqttApplicationMessage ToMessage(OutboxEntry entry) => new MqttApplicationMessageBuilder()
        .WithTopic(topics.For(entry.TopicLeaf))
        .WithPayload(entry.Payload)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithContentType("application/json")
        .Build();
}
