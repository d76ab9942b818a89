using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>The gateway against a broker secured like the county center's: deploy/mosquitto's config and ACL, mutual TLS.</summary>
public sealed class SecureTransportTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task GatewayWithItsCertificateOnly_DeliversAnAlarm_AndGetsTheCentersAck()
    {
        await using var broker = await SecureBroker.StartAsync();
        await using var center = await StartCenterAsync(broker);
        await using var gateway = await StartOnlineGatewayAsync(broker, center);

        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);
        var alarm = center.On("/alarm").Single();
        await center.PublishAsync($"campus/v1/{SecureBroker.Site}/gw1/ack", $$"""{"id":"{{alarm.Json.GetProperty("id").GetString()}}","by":"operator-1","ts":"{{Core.Events.EventPayload.FormatTimestamp(TimeProvider.System.GetUtcNow())}}"}""");
        await gateway.WaitForOutputAsync($"Center acknowledged {alarm.Json.GetProperty("id").GetString()} (by operator-1)", s_wait);

        Assert.Equal($"campus/v1/{SecureBroker.Site}/gw1/alarm", alarm.Topic);
        // The ACL lets a gateway write its own retained health (published at every connect).
        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Any(), s_wait);
        Assert.DoesNotContain("refused the health", gateway.Output, StringComparison.Ordinal);
        Assert.Contains("MQTT transport: TLS 1.2+", gateway.Output, StringComparison.Ordinal);
        Assert.Contains("credentials: none", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongCa_IsRefused_SayingTheBrokerIsNotSignedByThePinnedCa_AndAnOptionalPasswordIsNeverLogged()
    {
        await using var broker = await SecureBroker.StartAsync();
        using var otherPki = new TestCertificates(Path.Combine(broker.Directory, "other"), "some-other-ca", TimeProvider.System.GetUtcNow());
        // A password for brokers that want one (the county's ignores it): read, never logged.
        var credentials = broker.WriteCredentials("gw1-credentials", "gw1-account", "gw1-pass-7d2e");
        await using var gateway = SecureGateway(broker, broker.GatewayCertificate("gw1"), caFile: otherPki.CaFile, credentialsFile: credentials);

        await gateway.StartAsync();
        await gateway.WaitForOutputAsync("not signed by the CA pinned in Mqtt:CaFile", s_wait);

        Assert.DoesNotContain("Connected to", gateway.Output, StringComparison.Ordinal);
        Assert.Contains("user gw1-account", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("gw1-pass-7d2e", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredClientCertificate_IsRefusedByTheBroker_AndTheGatewaySaysWhy()
    {
        await using var broker = await SecureBroker.StartAsync();
        await using var center = await StartCenterAsync(broker);
        await using var gateway = SecureGateway(broker, broker.GatewayCertificate("gw1", expired: true));

        await gateway.StartAsync();
        await gateway.WaitForOutputAsync($"Mqtt:ClientCertFile: certificate 'CN={SecureBroker.Identity("gw1")}' EXPIRED", s_wait);
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
        await using var gateway = SecureGateway(broker, otherPki.Client("gw1-rogue", SecureBroker.Identity("gw1")));

        await gateway.StartAsync();
        await gateway.WaitForOutputAsync("not by the CA in Mqtt:CaFile", s_wait);
        await gateway.WaitForOutputAsync("(attempt 2)", s_wait);

        Assert.DoesNotContain("Connected to", gateway.Output, StringComparison.Ordinal);
        Assert.Empty(center.On("/status"));
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
        using var gw2 = await broker.ConnectAsync(broker.GatewayCertificate("gw2"), "gw2");
        var ownResponseTopic = await SecureBroker.TryPublishAsync(gw2, $"campus/v1/{SecureBroker.Site}/gw2/cmd/result/console-1", "{}");
        var anothers = await SecureBroker.TryPublishAsync(gw2, $"campus/v1/{SecureBroker.Site}/gw1/cmd/result", "forged-by-gw2");

        Assert.Equal($"campus/v1/{SecureBroker.Site}/gw1/cmd/result", center.On("/cmd/result").Single().Topic);
        Assert.True(center.On("/cmd/result").Single().Json.GetProperty("ok").GetBoolean());
        Assert.Equal("accepted", ownResponseTopic);
        Assert.Equal("NotAuthorized", anothers);
    }

    /// <summary>gw1 with its own certificate and nothing else, started and seen online by the center.</summary>
    internal static async Task<GatewayProcess> StartOnlineGatewayAsync(SecureBroker broker, MqttRecorder center, PemPair? certificate = null)
    {
        var gateway = SecureGateway(broker, certificate ?? broker.GatewayCertificate("gw1"));
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

    /// <summary>A center console on the center listener: its own certificate (a CN that is no account) and the center account.</summary>
    internal static async Task<MqttRecorder> StartCenterAsync(SecureBroker broker)
    {
        var center = new MqttRecorder(broker.CenterPort, configure: broker.Client(broker.Pki.Client("center", "county/console-1"), "center", SecureBroker.CenterPassword));
        await center.StartAsync();
        return center;
    }

    internal static GatewayProcess SecureGateway(SecureBroker broker, PemPair certificate, string? caFile = null, string credentialsFile = "")
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-tls-").FullName;
        var config = new
        {
            Gateway = new { SiteId = SecureBroker.Site, GatewayId = "gw1", DataDirectory = Path.Combine(directory, "data") },
            Mqtt = new
            {
                Host = "127.0.0.1",
                Port = broker.Port,
                ProbePort = broker.CheckPort,
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
