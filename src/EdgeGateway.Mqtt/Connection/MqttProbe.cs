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
/// A second, short-lived client beside the running service: TCP reachability, then TLS handshake and authentication
/// with the gateway's own CA, client certificate and credentials, then a message round trip, all under one deadline.
/// <c>edge-gateway selftest</c> connects as <c>{gateway}.selftest</c> on <c>campus/v1/{site}/{gateway}.selftest/selftest</c>;
/// the failback check (<see cref="ForFailback"/>) as <c>{gateway}.probe</c> on <c>campus/v1/{site}/{gateway}.probe/probe</c>.
/// Both use a clean session, so the service's session and subscriptions are untouched ("." never occurs in a gateway
/// id, so the probe can never take over another gateway's client id).
/// With <see cref="MqttOptions.ProbePort"/> set (the county broker, deploy/mosquitto, names each client after its
/// certificate), both connect there instead with an empty client id: the broker assigns the name the certificate owns
/// on that listener (its subject) and says it in the CONNACK, and the round trip runs on <c>campus/v1/{that name}/{leaf}</c>.
/// </summary>
public sealed class MqttProbe
{
    /// <summary>The selftest's deadline for each check.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly MqttOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _roundTripDeadline;
    private readonly string _leaf;

    public MqttProbe(MqttOptions options, GatewayIdentity identity, TimeProvider time)
        : this(options, identity, "selftest", "selftest", Timeout, Timeout * 2, time)
    {
    }

    private MqttProbe(MqttOptions options, GatewayIdentity identity, string suffix, string leaf, TimeSpan timeout, TimeSpan roundTripDeadline, TimeProvider time)
    {
        _options = options;
        _time = time;
        _timeout = timeout;
        _roundTripDeadline = roundTripDeadline;
        _leaf = leaf;
        ClientId = options.ProbePort == 0 ? $"{identity.GatewayId}.{suffix}" : "";
        Topic = options.ProbePort == 0 ? $"campus/v1/{identity.SiteId}/{ClientId}/{leaf}" : "";
    }

    /// <summary>The client id it connects with; empty on <see cref="MqttOptions.ProbePort"/>, where the broker assigns one.</summary>
    public string ClientId { get; }

    /// <summary>The round trip's topic; on <see cref="MqttOptions.ProbePort"/> known only from the CONNACK.</summary>
    public string Topic { get; private set; }

    /// <summary>
    /// The probe that decides a failback to the primary (<paramref name="options"/>): connect, subscribe, publish and
    /// receive, all within <see cref="MqttOptions.ConnectTimeoutSeconds"/>.
    /// </summary>
    public static MqttProbe ForFailback(MqttOptions options, GatewayIdentity identity, TimeProvider time)
    {
        var deadline = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds);
        return new MqttProbe(options, identity, "probe", "probe", deadline, deadline, time);
    }

    public async Task<ProbeResult> TcpAsync(CancellationToken cancellationToken)
    {
        using var timeout = new Deadline(_timeout, _time, cancellationToken);
        var started = _time.GetTimestamp();
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(_options.Host, _options.Port, timeout.Token);
            return new ProbeResult(true, $"{_options.Host}:{_options.Port} reachable in {_time.GetElapsedTime(started).TotalMilliseconds:0} ms");
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return new ProbeResult(false, $"{_options.Host}:{_options.Port} not reachable: {(ex is OperationCanceledException ? $"no answer within {_timeout.TotalSeconds:0} s" : ex.Message)}");
        }
    }

    /// <summary>TLS handshake and CONNECT with the gateway's credentials, then a QoS 1 message to itself through the broker.</summary>
    public async Task<(ProbeResult Connect, ProbeResult RoundTrip)> ConnectAndRoundTripAsync(CancellationToken cancellationToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.ProbePort == 0 ? _options.Port : _options.ProbePort)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(ClientId)
            .WithCleanStart(true)
            .WithTimeout(_timeout)
            .WithTlsOptions(tls => TransportSecurity.Configure(tls, _options));
        if (!string.IsNullOrEmpty(_options.CredentialsFile))
        {
            var credentials = TransportSecurity.LoadCredentials(_options.CredentialsFile);
            builder.WithCredentials(credentials.Username, credentials.Password);
        }

        var skipped = new ProbeResult(false, "skipped: not connected");
        using var timeout = new Deadline(_roundTripDeadline, _time, cancellationToken);
        try
        {
            var result = await client.ConnectAsync(builder.Build().WithSocketBuffers(), timeout.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                return (new ProbeResult(false, $"broker refused: {result.ResultCode} (check Mqtt:CredentialsFile)"), skipped);
            }

            if (_options.ProbePort != 0)
            {
                if (string.IsNullOrEmpty(result.AssignedClientIdentifier))
                {
                    return (new ProbeResult(false, $"the broker on Mqtt:ProbePort {_options.ProbePort} assigned no client id (not a listener that names clients after their certificate)"), skipped);
                }

                Topic = $"campus/v1/{result.AssignedClientIdentifier}/{_leaf}";
            }
        }
        catch (Exception ex) when (ex is MqttCommunicationException or AuthenticationException or IOException or OperationCanceledException)
        {
            // A refused CONNECT says its reason code here ("... failed (NotAuthorized)").
            return (new ProbeResult(false, Innermost(ex)), skipped);
        }

        var connected = new ProbeResult(true, _options.UseTls
            ? $"TLS 1.2+, CA {(string.IsNullOrEmpty(_options.CaFile) ? "from the system store" : "pinned")}, {(string.IsNullOrEmpty(_options.ClientCertFile) ? "no client certificate" : "client certificate")}, {(string.IsNullOrEmpty(_options.CredentialsFile) ? "no password" : "password")} accepted"
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

            var started = _time.GetTimestamp();
            var published = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topic).WithPayload(nonce).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
            if (!published.IsSuccess)
            {
                return new ProbeResult(false, $"publish to {Topic} refused: {published.ReasonCode} (broker ACL)");
            }

            await received.Task.WaitAsync(_timeout, _time, cancellationToken);
            var elapsed = _time.GetElapsedTime(started);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);
            return new ProbeResult(true, $"test message back through the broker in {elapsed.TotalMilliseconds:0} ms");
        }
        catch (TimeoutException)
        {
            return new ProbeResult(false, $"test message on {Topic} did not come back within {_timeout.TotalSeconds:0} s (broker ACL: read access)");
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
