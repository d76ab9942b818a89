using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using EdgeGateway.Core.Events;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>One commissioning check: passed or not, and what the installer should read.</summary>
public sealed record ProbeResult(bool Passed, string Detail);

/// <summary>
/// The broker checks of <c>edge-gateway selftest</c>: TCP reachability, then TLS handshake and authentication with the
/// gateway's own CA, client certificate and credentials, then a message round trip. It connects as
/// <c>{gateway}.selftest</c> with a clean session, so the running service's session and subscriptions are untouched,
/// and uses <c>campus/v1/{site}/{gateway}.selftest/selftest</c>, which the center's ACL lets each account read and write.
/// </summary>
public sealed class MqttProbe(MqttOptions options, GatewayIdentity identity, TimeProvider time)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public string ClientId => identity.GatewayId + ".selftest";

    public string Topic => $"campus/v1/{identity.SiteId}/{ClientId}/selftest";

    public async Task<ProbeResult> TcpAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var started = time.GetTimestamp();
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(options.Host, options.Port, timeout.Token);
            return new ProbeResult(true, $"{options.Host}:{options.Port} reachable in {time.GetElapsedTime(started).TotalMilliseconds:0} ms");
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return new ProbeResult(false, $"{options.Host}:{options.Port} not reachable: {(ex is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : ex.Message)}");
        }
    }

    /// <summary>TLS handshake and CONNECT with the gateway's credentials, then a QoS 1 message to itself through the broker.</summary>
    public async Task<(ProbeResult Connect, ProbeResult RoundTrip)> ConnectAndRoundTripAsync(CancellationToken cancellationToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(ClientId)
            .WithCleanStart(true)
            .WithTimeout(Timeout)
            .WithTlsOptions(tls => TransportSecurity.Configure(tls, options));
        if (!string.IsNullOrEmpty(options.CredentialsFile))
        {
            var credentials = TransportSecurity.LoadCredentials(options.CredentialsFile);
            builder.WithCredentials(credentials.Username, credentials.Password);
        }

        var skipped = new ProbeResult(false, "skipped: not connected");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout * 2);
        try
        {
            var result = await client.ConnectAsync(builder.Build(), timeout.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                return (new ProbeResult(false, $"broker refused: {result.ResultCode} (check Mqtt:CredentialsFile)"), skipped);
            }
        }
        catch (Exception ex) when (ex is MqttCommunicationException or AuthenticationException or IOException or OperationCanceledException)
        {
            // A refused CONNECT says its reason code here ("... failed (NotAuthorized)").
            return (new ProbeResult(false, Innermost(ex)), skipped);
        }

        var connected = new ProbeResult(true, options.UseTls
            ? $"TLS 1.2+, CA {(string.IsNullOrEmpty(options.CaFile) ? "from the system store" : "pinned")}, {(string.IsNullOrEmpty(options.ClientCertFile) ? "no client certificate" : "client certificate")}, {(string.IsNullOrEmpty(options.CredentialsFile) ? "no password" : "password")} accepted"
            : "plaintext MQTT accepted (no TLS)");
        return (connected, await RoundTripAsync(client, timeout.Token));
    }

    private async Task<ProbeResult> RoundTripAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var nonce = Guid.NewGuid().ToString("N");
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (Encoding.UTF8.GetString(e.ApplicationMessage.Payload) == nonce)
            {
                received.TrySetResult();
            }

            return Task.CompletedTask;
        };
        try
        {
            var subscribed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
            var code = subscribed.Items.Single().ResultCode;
            if (code > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                return new ProbeResult(false, $"subscribe to {Topic} refused: {code} (broker ACL)");
            }

            var started = time.GetTimestamp();
            var published = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topic).WithPayload(nonce).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
            if (!published.IsSuccess)
            {
                return new ProbeResult(false, $"publish to {Topic} refused: {published.ReasonCode} (broker ACL)");
            }

            await received.Task.WaitAsync(Timeout, time, cancellationToken);
            var elapsed = time.GetElapsedTime(started);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
            return new ProbeResult(true, $"test message back through the broker in {elapsed.TotalMilliseconds:0} ms");
        }
        catch (TimeoutException)
        {
            return new ProbeResult(false, $"test message on {Topic} did not come back within {Timeout.TotalSeconds:0} s (broker ACL: read access)");
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException)
        {
            return new ProbeResult(false, Innermost(ex));
        }
    }

    private static string Innermost(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" → ", messages.Distinct(StringComparer.Ordinal));
    }
}
