using EdgeGateway.TestKit;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary>The gateway against a broker secured like the county center's: mutual TLS, passwords, the ACL in deploy/mosquitto.</summary>
public sealed class SecureTransportTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task MutualTls_GatewayConnects_AndItsAlarmArrives_PasswordNeverLogged()
    {
        await using var broker = await SecureBroker.StartAsync();
        await using var center = await StartCenterAsync(broker);
        await using var gateway = await StartOnlineGatewayAsync(broker, center);

        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);

        Assert.Equal($"campus/v1/{SecureBroker.Site}/gw1/alarm", center.On("/alarm").Single().Topic);
        // The ACL lets a gateway write its own retained health (published at every connect).
        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Any(), s_wait);
        Assert.DoesNotContain("refused the health", gateway.Output, StringComparison.Ordinal);
        Assert.Contains("MQTT transport: TLS 1.2+", gateway.Output, StringComparison.Ordinal);
        Assert.Contains($"user {SecureBroker.Site}", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(SecureBroker.SitePassword, gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongCa_IsRefused_SayingTheBrokerIsNotSignedByThePinnedCa()
    {
        await using var broker = await SecureBroker.StartAsync();
        using var otherPki = new TestCertificates(Path.Combine(broker.Directory, "other"), "some-other-ca", TimeProvider.System.GetUtcNow());
        await using var gateway = SecureGateway(broker, broker.Pki.Client("gw1", "gw1"), broker.WriteCredentials("gw1-credentials", SecureBroker.Site, SecureBroker.SitePassword), caFile: otherPki.CaFile);

        await gateway.StartAsync();
        await gateway.WaitForOutputAsync("not signed by the CA pinned in Mqtt:CaFile", s_wait);

        Assert.DoesNotContain("Connected to", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredClientCertificate_IsRefusedByTheBroker_AndTheGatewaySaysWhy()
    {
        await using var broker = await SecureBroker.StartAsync();
        await using var center = await StartCenterAsync(broker);
        await using var gateway = SecureGateway(broker, broker.Pki.Client("gw1-expired", "gw1", expired: true), broker.WriteCredentials("gw1-credentials", SecureBroker.Site, SecureBroker.SitePassword));

        await gateway.StartAsync();
        await gateway.WaitForOutputAsync("Mqtt:ClientCertFile: certificate 'CN=gw1' EXPIRED", s_wait);
        // The broker refuses the handshake, attempt after attempt.
        await gateway.WaitForOutputAsync("(attempt 2)", s_wait);

        Assert.DoesNotContain("Connected to", gateway.Output, StringComparison.Ordinal);
        Assert.Empty(center.On("/status"));
    }

    [Fact]
    public async Task ClientCertificateFromAnotherCa_IsRefusedByTheBroker_AndTheGatewaySaysWhy()
    {
        await using var broker = await SecureBroker.StartAsync();
        await using var center = await StartCenterAsync(broker);
        using var otherPki = new TestCertificates(Path.Combine(broker.Directory, "rogue"), "rogue-ca", TimeProvider.System.GetUtcNow());
        await using var gateway = SecureGateway(broker, otherPki.Client("gw1-rogue", "gw1"), broker.WriteCredentials("gw1-credentials", SecureBroker.Site, SecureBroker.SitePassword));

        await gateway.StartAsync();
        await gateway.WaitForOutputAsync("not by the CA in Mqtt:CaFile", s_wait);
        await gateway.WaitForOutputAsync("(attempt 2)", s_wait);

        Assert.DoesNotContain("Connected to", gateway.Output, StringComparison.Ordinal);
        Assert.Empty(center.On("/status"));
    }

    [Fact]
    public async Task BadPassword_IsRefused_WithTheBrokersReason()
    {
        await using var broker = await SecureBroker.StartAsync();
        await using var gateway = SecureGateway(broker, broker.Pki.Client("gw1", "gw1"), broker.WriteCredentials("gw1-credentials", SecureBroker.Site, "not-the-password"));

        await gateway.StartAsync();
        await gateway.WaitForOutputAsync("broker refused the connection: NotAuthorized", s_wait);

        Assert.DoesNotContain("Connected to", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acl_AGatewayCannotPublishAsAnother_NorReadAnothersCommands()
    {
        await using var broker = await SecureBroker.StartAsync();
        await using var center = await StartCenterAsync(broker);
        // The test's own stand-in publishes on gw2's alarm topic: a marker, not a gateway's event.
        center.Contract.NotFromGateway($"campus/v1/{SecureBroker.Site}/gw2/alarm");
        // gw2 of the same school (same account, its own client id) and gw1 of another school try to raise gw1's alarm.
        var forged = await TryPublishAsync(broker, "gw2", SecureBroker.Site, $"campus/v1/{SecureBroker.Site}/gw1/alarm", "forged-by-gw2");
        var forgedAcrossSites = await TryPublishAsync(broker, "gw1", "other-school", $"campus/v1/{SecureBroker.Site}/gw1/alarm", "forged-by-other-school");
        var own = await TryPublishAsync(broker, "gw2", SecureBroker.Site, $"campus/v1/{SecureBroker.Site}/gw2/alarm", "own-alarm");
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);

        Assert.NotEqual("accepted", forged);
        Assert.NotEqual("accepted", forgedAcrossSites);
        Assert.Equal("accepted", own);
        // Published after the forged ones: had the broker passed them on, they would have arrived first.
        Assert.Equal(["own-alarm"], center.On("/alarm").Select(m => m.Payload));

        using var gw2 = await ConnectAsync(broker, "gw2", SecureBroker.Site);
        var received = new List<string>();
        gw2.ApplicationMessageReceivedAsync += e =>
        {
            lock (received)
            {
                received.Add(e.ApplicationMessage.Topic);
            }

            return Task.CompletedTask;
        };
        var subscribeOther = await gw2.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"campus/v1/{SecureBroker.Site}/gw1/cmd", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var subscribeOwn = await gw2.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"campus/v1/{SecureBroker.Site}/gw2/cmd", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await center.PublishAsync($"campus/v1/{SecureBroker.Site}/gw1/cmd", "{\"for\":\"gw1\"}");
        await center.PublishAsync($"campus/v1/{SecureBroker.Site}/gw2/cmd", "{\"for\":\"gw2\"}");
        await GatewayProcess.WaitUntilAsync(() => { lock (received) { return received.Count > 0; } }, s_wait);

        // Mosquitto 2.0 grants the subscription but never delivers what the ACL does not let the gateway read.
        output.WriteLine($"forged publishes: {forged}; {forgedAcrossSites}; SUBACK for gw1/cmd: {subscribeOther.Items.Single().ResultCode}");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, subscribeOwn.Items.Single().ResultCode);
        lock (received)
        {
            Assert.Equal([$"campus/v1/{SecureBroker.Site}/gw2/cmd"], received);
        }
    }

    [Fact]
    public async Task Acl_AGatewayAnswersCommands_OnlyOnItsOwnResultTopics()
    {
        await using var broker = await SecureBroker.StartAsync();
        await using var center = await StartCenterAsync(broker);
        await using var gateway = await StartOnlineGatewayAsync(broker, center);

        var ts = Core.Events.EventPayload.FormatTimestamp(TimeProvider.System.GetUtcNow());
        await center.PublishAsync($"campus/v1/{SecureBroker.Site}/gw1/cmd", $$"""{"id":"c-1","command":"reset","ts":"{{ts}}"}""", retain: false, expirySeconds: 120);
        await GatewayProcess.WaitUntilAsync(() => center.On("/cmd/result").Any(), s_wait);
        // The test's own publishes as gw2, not results of the gateway: kept out of the contract check.
        center.Contract.NotFromGateway($"campus/v1/{SecureBroker.Site}/gw2/cmd/result/console-1");
        var ownResponseTopic = await TryPublishAsync(broker, "gw2", SecureBroker.Site, $"campus/v1/{SecureBroker.Site}/gw2/cmd/result/console-1", "{}");
        var anothers = await TryPublishAsync(broker, "gw2", SecureBroker.Site, $"campus/v1/{SecureBroker.Site}/gw1/cmd/result", "forged-by-gw2");

        Assert.Equal($"campus/v1/{SecureBroker.Site}/gw1/cmd/result", center.On("/cmd/result").Single().Topic);
        Assert.True(center.On("/cmd/result").Single().Json.GetProperty("ok").GetBoolean());
        Assert.Equal("accepted", ownResponseTopic);
        Assert.NotEqual("accepted", anothers);
    }

    /// <summary>gw1 with its own certificate and the site's password, started and seen online by the center.</summary>
    private static async Task<GatewayProcess> StartOnlineGatewayAsync(SecureBroker broker, MqttRecorder center)
    {
        var gateway = SecureGateway(broker, broker.Pki.Client("gw1", "gw1"), broker.WriteCredentials("gw1-credentials", SecureBroker.Site, SecureBroker.SitePassword));
        try
        {
            await gateway.StartAsync();
            await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Payload.Contains("online", StringComparison.Ordinal)), s_wait);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    private static async Task<MqttRecorder> StartCenterAsync(SecureBroker broker)
    {
        var center = new MqttRecorder(broker.Port, configure: broker.Client(broker.Pki.Client("center", "center"), "center", SecureBroker.CenterPassword));
        await center.StartAsync();
        return center;
    }

    private static async Task<IMqttClient> ConnectAsync(SecureBroker broker, string clientId, string username)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithTimeout(TimeSpan.FromSeconds(5));
        broker.Client(broker.Pki.Client($"{username}-{clientId}", clientId), username, SecureBroker.SitePassword)(options);
        var result = await client.ConnectAsync(options.Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    /// <summary>"accepted", or how the broker refused: a PUBACK reason code, or dropping the connection.</summary>
    private static async Task<string> TryPublishAsync(SecureBroker broker, string clientId, string username, string topic, string payload)
    {
        using var client = await ConnectAsync(broker, clientId, username);
        try
        {
            var result = await client.PublishAsync(Message(topic, payload));
            return result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers ? "accepted" : result.ReasonCode.ToString();
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            return "disconnected: " + ex.Message;
        }
    }

    private static MqttApplicationMessage Message(string topic, string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private static GatewayProcess SecureGateway(SecureBroker broker, PemPair certificate, string credentialsFile, string? caFile = null)
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-tls-").FullName;
        var config = new
        {
            Gateway = new { SiteId = SecureBroker.Site, GatewayId = "gw1", DataDirectory = Path.Combine(directory, "data") },
            Mqtt = new
            {
                Host = "127.0.0.1",
                Port = broker.Port,
                UseTls = true,
                CaFile = caFile ?? broker.Pki.CaFile,
                ClientCertFile = certificate.CertFile,
                ClientKeyFile = certificate.KeyFile,
                CredentialsFile = credentialsFile,
                ReconnectDelayMs = 100,
                ReconnectMaxDelaySeconds = 1,
            },
            Gpio = new { Driver = "simulated" },
            Inputs = new[] { Gateway.Input("office-panic", 17, "panic") },
        };
        return new GatewayProcess(directory, config, Gateway.EntryAssembly);
    }
}
