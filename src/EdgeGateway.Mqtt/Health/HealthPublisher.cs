using EdgeGateway.Core.Health;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Connection;
using EdgeGateway.Mqtt.Uplink;
using MQTTnet;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt.Health;

/// <summary>
/// Publishes the retained <c>health</c> message right after every (re)connect, so the center sees fresh health at once,
/// and then every <see cref="HealthOptions.IntervalSeconds"/> while connected; nothing while the path is down. Also the
/// <see cref="IStatusReporter"/> behind the <c>status</c> command.
/// </summary>
public sealed class HealthPublisher(
    MqttConnection connection,
    HealthSnapshotBuilder snapshots,
    TopicScheme topics,
    IOptions<HealthOptions> options,
    TimeProvider time,
    ILogger<HealthPublisher> logger) : SupervisedLoop, IStatusReporter
{
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(options.Value.IntervalSeconds);

    public async Task ReportNowAsync(CancellationToken cancellationToken)
    {
        if (!connection.IsConnected)
        {
            throw new InvalidOperationException("Not connected to the broker.");
        }

        EnsureAccepted(await connection.PublishOnlineAsync(cancellationToken), topics.Status);
        EnsureAccepted(await PublishHealthAsync(cancellationToken), topics.Health);
    }

    protected override Task RunLoopAsync(CancellationToken stoppingToken) => connection.ForEachSessionAsync(
        async (_, sessionOver) =>
        {
            // A new timer per session: the first message goes out at the connect, the next one an interval later.
            using var timer = new PeriodicTimer(_interval, time);
            do
            {
                await TryPublishAsync(sessionOver);
            }
            while (await timer.WaitForNextTickAsync(sessionOver));
        },
        stoppingToken);

    // A broker with a small Maximum Packet Size still gets health: without the per-loop detail if it must.
    private Task<MqttClientPublishResult> PublishHealthAsync(CancellationToken cancellationToken)
    {
        var snapshot = snapshots.Build(connection.ConnectedBroker, connection.Reconnects);
        var payload = HealthPayload.Serialize(snapshot);
        if (!connection.Fits(topics.Health, payload))
        {
            payload = HealthPayload.Serialize(snapshot with { Loops = [] });
        }

        return connection.PublishRetainedAsync(topics.Health, payload, cancellationToken);
    }

    private async Task TryPublishAsync(CancellationToken sessionOver)
    {
        if (!connection.IsConnected)
        {
            // The session is ending; the next connect publishes at once.
            return;
        }

        try
        {
            var result = await PublishHealthAsync(sessionOver);
            if (!BrokerAnswer.Accepted(result.ReasonCode))
            {
                Log.HealthRefused(logger, topics.Health, result.ReasonCode.ToString(), result.ReasonString ?? "");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.HealthPublishFailed(logger, ex.Message);
        }
    }

    private static void EnsureAccepted(MqttClientPublishResult result, string topic)
    {
        if (!BrokerAnswer.Accepted(result.ReasonCode))
        {
            throw new InvalidOperationException($"The broker refused {topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }
}
