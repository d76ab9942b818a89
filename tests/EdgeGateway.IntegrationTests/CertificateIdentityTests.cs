using System.Security.Authentication;
using EdgeGateway.TestKit;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// The certificate is the identity (deploy/mosquitto, issue 13): against the shipped config and ACL, a gateway's
/// certificate owns its topics and its client id, whatever client id or password the device sends, and a revoked
/// certificate is refused at TLS. Each test writes what the broker answered to a refused access.
/// </summary>
public sealed class CertificateIdentityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AnotherGatewaysCertificate_CannotReadItsCommands_NorPublishUnderIt_WhateverClientIdItSends()
    {
        await using var broker = await SecureBroker.StartAsync();
        await using var center = await SecureTransportTests.StartCenterAsync(broker);
        // The test's own stand-in publishes on gw2's alarm topic: a marker, not a gateway's event.
        center.Contract.NotFromGateway($"campus/v1/{SecureBroker.Site}/gw2/alarm");
        // gw2's certificate, asking for the client id and user name gw1's certificate owns, with a password.
        string forged, afterRefusal;
        using (var forger = await broker.ConnectAsync(broker.GatewayCertificate("gw2"), SecureBroker.Identity("gw1"), username: SecureBroker.Identity("gw1"), password: "ignored"))
        {
            forged = await SecureBroker.TryPublishAsync(forger, $"campus/v1/{SecureBroker.Site}/gw1/alarm", "forged-by-gw2");
            afterRefusal = await DescribeConnectionAsync(forger);
        }

        // gw2's certificate asking for gw1's old-style client id: it reads and writes as gw2 only.
        using var gw2 = await broker.ConnectAsync(broker.GatewayCertificate("gw2"), "gw1");
        var own = await SecureBroker.TryPublishAsync(gw2, $"campus/v1/{SecureBroker.Site}/gw2/alarm", "own-alarm");
        output.WriteLine($"publish on gw1/alarm with gw2's certificate (client id and user name {SecureBroker.Identity("gw1")}): PUBACK {forged}; the connection then: {afterRefusal}; own alarm: {own}");
        output.WriteLine(string.Join('\n', broker.Broker.Log.Split('\n').Where(line => line.Contains(SecureBroker.Identity("gw2"), StringComparison.Ordinal))));
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(), s_wait);

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

        output.WriteLine($"SUBACK for gw1/cmd: {subscribeOther.Items.Single().ResultCode}; for gw2/cmd: {subscribeOwn.Items.Single().ResultCode}");
        Assert.Equal("NotAuthorized", forged);
        Assert.Equal("accepted", own);
        // Published after the forged ones: had the broker passed them on, they would have arrived first.
        Assert.Equal(["own-alarm"], center.On("/alarm").Select(m => m.Payload));
        // Mosquitto 2.0 grants the subscription but never delivers what the ACL does not let the certificate read;
        // gw1's command was published first, so it would have come first.
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, subscribeOwn.Items.Single().ResultCode);
        lock (received)
        {
            Assert.Equal([$"campus/v1/{SecureBroker.Site}/gw2/cmd"], received);
        }
    }

    [Fact]
    public async Task AnotherCertificate_WithTheGatewaysClientId_CannotTakeOverItsSession_ButACopyOfItsOwnCan()
    {
        await using var broker = await SecureBroker.StartAsync();
        await using var center = await SecureTransportTests.StartCenterAsync(broker);
        await using var gateway = await SecureTransportTests.StartOnlineGatewayAsync(broker, center);

        // gw2's certificate with each client id gw1 could have: the broker names the connection after gw2's certificate.
        foreach (var clientId in new[] { "gw1", SecureBroker.Identity("gw1") })
        {
            using var thief = await broker.ConnectAsync(broker.GatewayCertificate("gw2"), clientId, cleanStart: false);
            output.WriteLine($"gw2's certificate as '{clientId}': publish on gw1/alarm: PUBACK {await SecureBroker.TryPublishAsync(thief, $"campus/v1/{SecureBroker.Site}/gw1/alarm", "forged")}");
        }

        // A command round trip through gw1's session after both: its subscription is still its own.
        await center.PublishAsync($"campus/v1/{SecureBroker.Site}/gw1/cmd", $$"""{"id":"c-1","command":"status","ts":"{{Core.Events.EventPayload.FormatTimestamp(TimeProvider.System.GetUtcNow())}}"}""");
        await GatewayProcess.WaitUntilAsync(() => center.On("/cmd/result").Any(), s_wait);

        Assert.DoesNotContain($"Client {SecureBroker.Identity("gw1")} already connected", broker.Broker.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection lost", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(center.On("/status"), m => m.Payload.Contains("offline", StringComparison.Ordinal));

        // The control: a copy of gw1's own certificate does take the session over, whatever client id it asks for.
        using var copy = await broker.ConnectAsync(broker.GatewayCertificate("gw1"), "anything");
        await gateway.WaitForOutputAsync("Connection lost", s_wait);
        var log = broker.Broker.Log;
        output.WriteLine(log.Split('\n').First(line => line.Contains("already connected", StringComparison.Ordinal)));
        output.WriteLine(gateway.Output.Split('\n').First(line => line.Contains("Connection lost", StringComparison.Ordinal)));
        Assert.Contains($"Client {SecureBroker.Identity("gw1")} already connected, closing old connection.", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokedCertificate_IsRefusedAtTls_AfterTheCrlIsReloaded_OnBothGatewayListeners()
    {
        await using var broker = await SecureBroker.StartAsync();
        var stolen = broker.GatewayCertificate("gw3");
        // Connected before the revocation, on the check listener (its own name there: the retries below cannot take it over).
        using var live = await broker.ConnectAsync(stolen, "", broker.CheckPort);
        using (await broker.ConnectAsync(broker.GatewayCertificate("gw4"), "gw4"))
        {
            // Another certificate stays valid: the list names one serial.
        }

        broker.Pki.Revoke(stolen);
        broker.Broker.Reload();
        // The reload happens in the broker's own time: try until it refuses.
        using var deadline = new CancellationTokenSource(s_wait);
        Exception? refused;
        while ((refused = await TryConnectAsync(broker, stolen, broker.Port)) is null)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, deadline.Token);
        }

        var refusedOnCheckListener = await TryConnectAsync(broker, stolen, broker.CheckPort);
        var stillValid = await TryConnectAsync(broker, broker.GatewayCertificate("gw4"), broker.Port);

        output.WriteLine($"revoked certificate, gateway listener: {Describe(refused)}");
        output.WriteLine(string.Join('\n', broker.Broker.Log.Split('\n').Where(line => line.Contains("OpenSSL", StringComparison.Ordinal) || line.Contains("revoked", StringComparison.OrdinalIgnoreCase)).Distinct()));
        output.WriteLine($"revoked certificate, check listener: {(refusedOnCheckListener is null ? "accepted" : Describe(refusedOnCheckListener))}");
        Assert.True(refused is MqttCommunicationException or AuthenticationException, Describe(refused));
        Assert.NotNull(refusedOnCheckListener);
        Assert.Null(stillValid);
        // A reload does not end a connection made before it: the README says to restart Mosquitto for a stolen gateway.
        await live.PingAsync();
        Assert.True(live.IsConnected);
    }

    /// <summary>Whether the broker kept <paramref name="client"/>'s connection open: a PINGRESP answers.</summary>
    private static async Task<string> DescribeConnectionAsync(IMqttClient client)
    {
        try
        {
            await client.PingAsync();
            return "open (PINGRESP)";
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException)
        {
            return "closed by the broker: " + ex.Message;
        }
    }

    /// <summary>Null when the broker accepted <paramref name="certificate"/>, else what the client saw.</summary>
    private static async Task<Exception?> TryConnectAsync(SecureBroker broker, PemPair certificate, int port)
    {
        try
        {
            using var client = await broker.ConnectAsync(certificate, "revocation-check", port);
            return null;
        }
        catch (Exception ex) when (ex is MqttCommunicationException or AuthenticationException or IOException)
        {
            return ex;
        }
    }

    private static string Describe(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            messages.Add($"{e.GetType().Name}: {e.Message}");
        }

        return string.Join(" → ", messages);
    }
}
