using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Host.Cli;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary><c>edge-gateway selftest</c> against Mosquitto secured like the center's (TLS, client certificates, ACL).</summary>
public sealed class SelftestCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Selftest_AgainstTheSecuredBroker_AllChecksPass_Exit0()
    {
        await using var broker = await SecureBroker.StartAsync();
        await using var center = await SecureTransportTests.StartCenterAsync(broker);
        // The service with the same certificate, online: the selftest runs beside it on the check listener.
        await using var gateway = await SecureTransportTests.StartOnlineGatewayAsync(broker, center);
        var config = WriteConfig(broker, broker.GatewayCertificate("gw1"), broker.Port);
        var text = new StringWriter();

        var exit = await SelftestCommand.RunAsync(config, publish: false, text, CancellationToken.None, SyncedClock());

        output.WriteLine(text.ToString());
        Assert.True(exit == 0, text.ToString());
        Assert.Contains("round-trip  pass", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("all checks passed (exit 0)", text.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Connection lost", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelftestPublish_RetainsTheTableOnCommissioning_AsTheGateway_ForACenterThatSubscribesLater()
    {
        await using var broker = await SecureBroker.StartAsync();
        var config = WriteConfig(broker, broker.GatewayCertificate("gw1"), broker.Port);
        var text = new StringWriter();

        var exit = await SelftestCommand.RunAsync(config, publish: true, text, CancellationToken.None, UnsyncedClock());

        output.WriteLine(text.ToString());
        Assert.True(exit == SelftestCommand.ClockBit, text.ToString());
        Assert.Contains($"commissioning: sent, retained on campus/v1/{SecureBroker.Site}/gw1/commissioning", text.ToString(), StringComparison.Ordinal);
        // The center connects afterwards and still gets it: retained, through the shipped ACL, on the contract.
        await using var center = new MqttRecorder(broker.CenterPort, filter: $"campus/v1/{SecureBroker.Site}/+/commissioning", configure: broker.Client(broker.Pki.Client("center", "county/console-1"), "center", SecureBroker.CenterPassword));
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
        var config = WriteConfig(broker, broker.GatewayCertificate("gw1"), FreePort.Next());
        var text = new StringWriter();

        var exit = await SelftestCommand.RunAsync(config, publish: true, text, CancellationToken.None, SyncedClock());

        Assert.Equal(SelftestCommand.BrokerBit | SelftestCommand.TlsAuthBit | SelftestCommand.RoundTripBit | SelftestCommand.PublishBit, exit);
        Assert.Contains("commissioning: NOT sent", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Selftest_CertificateFromAnotherCaAndUnsyncedClock_FailsThoseBits()
    {
        await using var broker = await SecureBroker.StartAsync();
        using var rogue = new TestCertificates(Path.Combine(broker.Directory, "rogue"), "rogue-ca", TimeProvider.System.GetUtcNow());
        var config = WriteConfig(broker, rogue.Client("gw1-rogue", SecureBroker.Identity("gw1")), broker.Port);
        var text = new StringWriter();

        var exit = await SelftestCommand.RunAsync(config, publish: false, text, CancellationToken.None, UnsyncedClock());

        output.WriteLine(text.ToString());
        Assert.Equal(SelftestCommand.ClockBit | SelftestCommand.TlsAuthBit | SelftestCommand.RoundTripBit, exit);
    }

    [Fact]
    public async Task Selftest_BrokerNotListening_FailsBrokerAndWhatNeedsIt()
    {
        await using var broker = await SecureBroker.StartAsync();
        var config = WriteConfig(broker, broker.GatewayCertificate("gw1"), FreePort.Next());

        var exit = await SelftestCommand.RunAsync(config, publish: false, new StringWriter(), CancellationToken.None, SyncedClock());

        Assert.Equal(SelftestCommand.BrokerBit | SelftestCommand.TlsAuthBit | SelftestCommand.RoundTripBit, exit);
    }

    [Fact]
    public async Task Selftest_InvalidConfig_Exit1_OtherChecksSkipped()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("selftest-bad-").FullName, "config.json");
        await File.WriteAllTextAsync(file, """{ "Gateway": { "SiteId": "Bad Site" }, "Mqtt": { "Host": "" } }""");
        var text = new StringWriter();

        var exit = await SelftestCommand.RunAsync(file, publish: false, text, CancellationToken.None, SyncedClock());

        Assert.Equal(SelftestCommand.ConfigBit, exit);
        Assert.Contains("Gateway:SiteId", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("round-trip  skip", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Clock_SynchronisedOnlyByAdjtimex_WarnsThatTheServiceWillNotSeeIt_WithoutFailing()
    {
        var chronyOnly = new ClockSyncDetector(new FakeTimeProvider(), Path.Combine(Path.GetTempPath(), $"no-flag-{Guid.NewGuid():N}"), FixedKernelClock.Synchronized());

        var check = SelftestCommand.Clock(chronyOnly.Detect());

        Assert.Equal(SelftestCommand.Warn, check.Result);
        Assert.False(check.Failed);
        Assert.Contains("the service's unit refuses adjtimex (ProtectClock=yes)", check.Detail, StringComparison.Ordinal);
        Assert.Contains("\"synced\": false", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Clock_FromTimesyncdsFlagFile_PassesAndSaysTheServiceSeesTheSame()
    {
        var check = SelftestCommand.Clock(SyncedClock().Detect());

        Assert.Equal(SelftestCommand.Pass, check.Result);
        Assert.StartsWith("synchronised: ", check.Detail, StringComparison.Ordinal);
        Assert.Contains("(systemd-timesyncd); the service sees the same", check.Detail, StringComparison.Ordinal);
    }

    private static string WriteConfig(SecureBroker broker, PemPair certificate, int port)
    {
        var directory = Directory.CreateTempSubdirectory("selftest-").FullName;
        var file = Path.Combine(directory, "config.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new
        {
            Gateway = new { SiteId = SecureBroker.Site, GatewayId = "gw1", DataDirectory = Path.Combine(directory, "data") },
            Mqtt = new
            {
                Host = "127.0.0.1",
                Port = port,
                ProbePort = broker.CheckPort,
                CaFile = broker.Pki.CaFile,
                ClientCertFile = certificate.CertFile,
                ClientKeyFile = certificate.KeyFile,
            },
            Gpio = new { Driver = "simulated" },
            Inputs = new[] { Gateway.Input("office-panic", 17, "panic"), Gateway.Input("gate-door", 27, "door", contact: "NC") },
        }));
        return file;
    }

    /// <summary>Synchronised the way the service sees it: systemd-timesyncd's flag file exists.</summary>
    private static ClockSyncDetector SyncedClock()
    {
        var flag = Path.Combine(Directory.CreateTempSubdirectory("selftest-clock-").FullName, "synchronized");
        File.WriteAllBytes(flag, []);
        return new ClockSyncDetector(new FakeTimeProvider(), flag, FixedKernelClock.Refused());
    }

    private static ClockSyncDetector UnsyncedClock() =>
        new(new FakeTimeProvider(), Path.Combine(Path.GetTempPath(), $"no-flag-{Guid.NewGuid():N}"), FixedKernelClock.Unsynchronized());
}
