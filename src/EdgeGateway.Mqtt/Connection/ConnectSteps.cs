using EdgeGateway.Core.Events;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Downlink;
using MQTTnet;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>The steps of one connect attempt of <see cref="MqttConnection"/>, each bounded by a deadline the gateway owns.</summary>
internal sealed class ConnectSteps(
    IMqttClient client,
    MqttOptions options,
    GatewayIdentity identity,
    TopicScheme topics,
    DownlinkRouter router,
    PathOutageRecorder outages,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>For the DISCONNECT of a dropped session and for the offline status and DISCONNECT at shutdown.</summary>
    public static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(3);

    // Set while the connection records its own fault, so that fault does not count as an alarm waiting for the path.
    [ThreadStatic]
    private static bool s_recordingOwnFault;

    public static bool IsRecordingOwnFault => s_recordingOwnFault;

    /// <summary>Records a fault of the connection itself: it waits for the next session like any event, without cutting the backoff short.</summary>
    public static void RecordOwnFault(Action record)
    {
        s_recordingOwnFault = true;
        try
        {
            record();
        }
        finally
        {
            s_recordingOwnFault = false;
        }
    }

    /// <summary>TCP, TLS and CONNECT up to CONNACK within <see cref="MqttOptions.ConnectTimeoutSeconds"/>; a refusal or a stall throws.</summary>
    public async Task<MqttClientConnectResult> ConnectAsync(BrokerTarget target, CancellationToken stoppingToken)
    {
        var timeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds);
        using var deadline = new Deadline(timeout, time, stoppingToken);
        MqttClientConnectResult result;
        try
        {
            result = await client.ConnectAsync(GatewayClientOptions.Build(target.Options, identity, topics), deadline.Token);
        }
        catch (Exception ex) when (deadline.Expired && !stoppingToken.IsCancellationRequested)
        {
            // A frozen broker, or a load balancer whose backend is gone: TCP open, no CONNACK. MQTTnet reports the
            // cancellation in more than one way, hence any exception once the deadline has passed.
            await DisconnectQuietlyAsync();
            throw new TimeoutException($"no CONNACK within Mqtt:ConnectTimeoutSeconds ({timeout.TotalSeconds:0} s)", ex);
        }

        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            await DisconnectQuietlyAsync();
            throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        return result;
    }

    /// <summary>
    /// Subscribes the downlink topics. A refused topic filter (a SUBACK failure code) does not fail the connect: the
    /// session still carries the uplink (alarms must not wait for the downlink), the refusal is an <c>uplink</c>
    /// <c>subscribe</c> fault, and <see cref="RetryRefusedSubscriptionAsync"/> subscribes again while the session lasts.
    /// </summary>
    public async Task SubscribeAsync(BrokerTarget target, CancellationToken cancellationToken)
    {
        if (router.SubscribeOptions() is not { } subscribe)
        {
            return;
        }

        var granted = await client.SubscribeAsync(subscribe, cancellationToken);
        var refused = granted.Items.FirstOrDefault(item => item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2);
        SubscriptionRefused = refused is not null;
        RecordOwnFault(() =>
        {
            if (refused is null)
            {
                outages.SubscribeGranted(target.Name, target.Options.Host);
                return;
            }

            var topic = refused.TopicFilter.Topic;
            var reason = refused.ResultCode.ToString();
            Log.SubscribeRefused(logger, target.Options.Host, target.Options.Port, topic, reason);
            outages.SubscribeRefused(target.Name, target.Options.Host, topic, reason);
        });
    }

    /// <summary>True while the broker of this session refuses one of the downlink subscriptions.</summary>
    public bool SubscriptionRefused { get; private set; }

    /// <summary>Subscribes again, within the keepalive, if the broker refused a subscription at the connect.</summary>
    public async Task RetryRefusedSubscriptionAsync(BrokerTarget target, CancellationToken sessionOver)
    {
        if (!SubscriptionRefused)
        {
            return;
        }

        using var deadline = new Deadline(TimeSpan.FromSeconds(options.KeepAliveSeconds), time, sessionOver);
        try
        {
            await SubscribeAsync(target, deadline.Token);
        }
        catch (Exception ex) when (deadline.Expired && !sessionOver.IsCancellationRequested)
        {
            // Tried again at the next keepalive; a dead path ends the session by itself.
            Log.SubscribeRetryFailed(logger, ex.Message);
        }
    }

    /// <summary>A DISCONNECT within a few seconds; a dead path cannot carry it, and the session is over either way.</summary>
    public async Task DisconnectQuietlyAsync()
    {
        using var deadline = new Deadline(DisconnectTimeout, time, CancellationToken.None);
        try
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.UnspecifiedError).Build(), deadline.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Nothing more to do: the client is disconnected, or the path is dead.
        }
    }
}
