using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Host.Cli;
using EdgeGateway.TestKit;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary><c>edge-gateway selftest</c> against Mosquitto secured like the center's (TLS, client certificates, ACL).</summary>
public sealed class SelftestCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Selftest_AgainstTheSecuredBroker_AllChecksPass_Exit0()
    {
        await using var broker = await SecureBroker.StartAsync();
        var config = WriteConfig(broker, SecureBroker.SitePassword, broker.Port);
        var text = new StringWriter();

        var exit = await SelftestCommand.RunAsync(config, publish: false, text, CancellationToken.None, new FixedClock(true));

        output.WriteLine(text.ToString());
        Assert.True(exit == 0, text.ToString());
        Assert.Contains("round-trip  pass", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("all checks passed (exit 0)", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelftestPublish_RetainsTheTableOnCommissioning_AsTheGateway_ForACenterThatSubscribesLater()
    {
        await using var broker = await SecureBroker.StartAsync();
        var config = WriteConfig(broker, SecureBroker.SitePassword, broker.Port);
        var text = new StringWriter();

        var exit = await SelftestCommand.RunAsync(config, publish: true, text, CancellationToken.None, new FixedClock(false));

        output.WriteLine(text.ToString());
        Assert.True(exit == SelftestCommand.ClockBit, text.ToString());
        Assert.Contains($"commissioning: sent, retained on campus/v1/{SecureBroker.Site}/gw1/commissioning", text.ToString(), StringComparison.Ordinal);
        // The center connects afterwards and still gets it: retained, through the shipped ACL, on the contract.
        await using var center = new MqttRecorder(broker.Port, filter: $"campus/v1/{SecureBroker.Site}/+/commissioning", configure: broker.Client(broker.Pki.Client("center", "center"), "center", SecureBroker.CenterPassword));
        var received = new TaskCompletionSource<ReceivedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        center.Received += message => received.TrySetResult(message);
        await center.StartAsync();
        var message = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(message.Retained);
        Assert.Equal(SelftestCommand.ClockBit, message.Json.GetProperty("exitCode").GetInt32());
        Assert.False(message.Json.GetProperty("passed").GetBoolean());
        Assert.Equal(
            ["config pass", "pins pass", "data-dir pass", "clock FAIL", "broker pass", "tls+auth pass", "round-trip pass"],
            message.Json.GetProperty("checks").EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()} {c.GetProperty("result").GetString()}"));
        center.Contract.AssertNoViolations();
    }

    [Fact]
    public async Task SelftestPublish_BrokerNotListening_SetsThePublishBit()
    {
        await using var broker = await SecureBroker.StartAsync();
        var config = WriteConfig(broker, SecureBroker.SitePassword, FreePort.Next());
        var text = new StringWriter();

        var exit = await SelftestCommand.RunAsync(config, publish: true, text, CancellationToken.None, new FixedClock(true));

        Assert.Equal(SelftestCommand.BrokerBit | SelftestCommand.TlsAuthBit | SelftestCommand.RoundTripBit | SelftestCommand.PublishBit, exit);
        Assert.Contains("commissioning: NOT sent", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Selftest_BadPasswordAndUnsyncedClock_FailsThoseBits()
    {
        await using var broker = await SecureBroker.StartAsync();
        var config = WriteConfig(broker, "wrong-password", broker.Port);
        var text = new StringWriter();

        var exit = await SelftestCommand.RunAsync(config, publish: false, text, CancellationToken.None, new FixedClock(false));

        output.WriteLine(text.ToString());
        Assert.Equal(SelftestCommand.ClockBit | SelftestCommand.TlsAuthBit | SelftestCommand.RoundTripBit, exit);
        Assert.Contains("NotAuthorized", text.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Selftest_BrokerNotListening_FailsBrokerAndWhatNeedsIt()
    {
        await using var broker = await SecureBroker.StartAsync();
        var config = WriteConfig(broker, SecureBroker.SitePassword, FreePort.Next());

        var exit = await SelftestCommand.RunAsync(config, publish: false, new StringWriter(), CancellationToken.None, new FixedClock(true));

        Assert.Equal(SelftestCommand.BrokerBit | SelftestCommand.TlsAuthBit | SelftestCommand.RoundTripBit, exit);
    }

    [Fact]
    public async Task Selftest_InvalidConfig_Exit1_OtherChecksSkipped()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("selftest-bad-").FullName, "config.json");
        await File.WriteAllTextAsync(file, """{ "Gateway": { "SiteId": "Bad Site" }, "Mqtt": { "Host": "" } }""");
        var text = new StringWriter();

        var exit = await SelftestCommand.RunAsync(file, publish: false, text, CancellationToken.None, new FixedClock(true));

        Assert.Equal(SelftestCommand.ConfigBit, exit);
        Assert.Contains("Gateway:SiteId", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("round-trip  skip", text.ToString(), StringComparison.Ordinal);
    }

    private static string WriteConfig(SecureBroker broker, string password, int port)
    {
        var directory = Directory.CreateTempSubdirectory("selftest-").FullName;
        var certificate = broker.Pki.Client("gw1-selftest", "gw1");
        var file = Path.Combine(directory, "config.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new
        {
            Gateway = new { SiteId = SecureBroker.Site, GatewayId = "gw1", DataDirectory = Path.Combine(directory, "data") },
            Mqtt = new
            {
                Host = "127.0.0.1",
                Port = port,
                CaFile = broker.Pki.CaFile,
                ClientCertFile = certificate.CertFile,
                ClientKeyFile = certificate.KeyFile,
                CredentialsFile = broker.WriteCredentials("gw1-selftest-credentials", SecureBroker.Site, password),
            },
            Gpio = new { Driver = "simulated" },
            Inputs = new[] { Gateway.Input("office-panic", 17, "panic"), Gateway.Input("gate-door", 27, "door", contact: "NC") },
        }));
        return file;
    }

    private sealed class FixedClock(bool synchronized) : IClockSync
    {
        public bool IsSynchronized => synchronized;
    }
}
