using System.Collections.Concurrent;
using EdgeGateway.Center;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// <c>edge-center</c>'s <see cref="CenterConsole"/> on the center listener of the shipped deploy/mosquitto config
/// (TLS 1.2+, a client certificate from the county CA, the center password account, the ACL).
/// </summary>
public sealed class SecureCenterTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ConsoleWithCertificateAndPasswordFile_ReceivesTheGatewaysAlarm_AndTheGatewayGetsItsAck()
    {
        await using var broker = await SecureBroker.StartAsync();
        var received = new ConcurrentQueue<CenterMessage>();
        await using var center = new CenterConsole(ConsoleOptions(broker, broker.Pki.Client("center", "county/console-1"), SecureBroker.CenterPassword), TimeProvider.System);
        center.Received += (message, _) => received.Enqueue(message);
        using (var deadline = new CancellationTokenSource(s_wait))
        {
            await center.ConnectAsync(deadline.Token);
        }

        await using var gateway = SecureTransportTests.SecureGateway(broker, broker.GatewayCertificate("gw1"));
        await gateway.StartAsync();
        Assert.Equal("ok", await gateway.SimAsync("set 17 low"));
        await gateway.WaitUntilAsync(() => received.Any(m => m.IsAlarm), () => $"an alarm at the console (it had: {string.Join(", ", received.Select(m => m.Topic))})", s_wait);
        var alarm = received.Single(m => m.IsAlarm);
        await center.AcknowledgeAsync(alarm, CancellationToken.None);

        await gateway.WaitForOutputAsync($"Center acknowledged {alarm.Id} (by operator-1)", s_wait);
        Assert.Equal(("test-school", "gw1", "panic"), (alarm.Site, alarm.Gateway, alarm.Kind));
        Assert.True(center.SharedSubscription);
    }

    [Fact]
    public async Task WrongPasswordOrCertificateFromAnotherCa_IsRefusedWithAClearReason_AndTheConsoleKeepsRetrying()
    {
        await using var broker = await SecureBroker.StartAsync();
        using var otherPki = new TestCertificates(Path.Combine(broker.Directory, "rogue"), "rogue-ca", TimeProvider.System.GetUtcNow());
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var wrongPassword = await RefusedAsync(new CenterConsole(ConsoleOptions(broker, broker.Pki.Client("center", "county/console-1"), "not-the-password"), time), time);
        var rogueCertificate = await RefusedAsync(new CenterConsole(ConsoleOptions(broker, otherPki.Client("center-rogue", "county/console-1"), SecureBroker.CenterPassword), time), time);

        Assert.All(wrongPassword, why => Assert.Equal("the broker refused the login (NotAuthorized): check the account in --credentials-file", why));
        Assert.All(rogueCertificate, why => Assert.Contains("--client-cert", why, StringComparison.Ordinal));
        Assert.All(wrongPassword.Concat(rogueCertificate), why => Assert.DoesNotContain("pass-41ab", why, StringComparison.Ordinal));
    }

    /// <remarks>
    /// The alarm is queued while the console's path is down and the broker restarts before the console is back. Not
    /// tested, because Mosquitto 2.0.11 cannot do it: it restores a persistent session's plain subscriptions from its
    /// persistence file but not its <c>$share</c> ones, so what is published after a restart and before the console has
    /// subscribed again goes to no one (PUBACK "no matching subscribers"; a gateway sends an unacked alarm again).
    /// </remarks>
    [Fact]
    public async Task PathLostAndBrokerRestarted_TheConsoleReconnectsByItself_AndGetsTheAlarmQueuedMeanwhile_AndTheNextOne()
    {
        await using var broker = await SecureBroker.StartAsync();
        await using var path = new TcpProxy(broker.CenterPort);
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var options = ConsoleOptions(broker, broker.Pki.Client("center", "county/console-1"), SecureBroker.CenterPassword);
        (options.Port, options.ClientId) = (path.Port, "console-1");
        var received = new ConcurrentQueue<string>();
        var (connects, losses) = (0, 0);
        await using var center = new CenterConsole(options, time);
        center.Received += (message, _) => received.Enqueue(message.Id);
        center.Connected += () => Interlocked.Increment(ref connects);
        center.ConnectionLost += _ => Interlocked.Increment(ref losses);
        using (var deadline = new CancellationTokenSource(s_wait))
        {
            await center.ConnectAsync(deadline.Token);
        }

        var before = await PublishAlarmAsync(broker, seq: 1);
        await GatewayProcess.WaitUntilAsync(() => received.Contains(before), s_wait);

        path.Cut();
        await GatewayProcess.WaitUntilAsync(() => Volatile.Read(ref losses) == 1, s_wait);
        // The console waits out its backoff on the fake clock: this alarm is queued in its persistent session ...
        var duringOutage = await PublishAlarmAsync(broker, seq: 2);
        // ... which the broker keeps across its restart (persistence).
        await broker.Broker.StopAsync();
        await broker.Broker.StartAgainAsync();
        Assert.Equal(1, Volatile.Read(ref connects));
        await GatewayProcess.WaitUntilAsync(() => AdvanceThen(time, () => Volatile.Read(ref connects) == 2), s_wait);
        await GatewayProcess.WaitUntilAsync(() => received.Contains(duringOutage), s_wait);
        var after = await PublishAlarmAsync(broker, seq: 3);
        await GatewayProcess.WaitUntilAsync(() => received.Contains(after), s_wait);

        Assert.Equal([before, duringOutage, after], received);
        Assert.True(center.IsConnected);
    }

    private static CenterOptions ConsoleOptions(SecureBroker broker, PemPair certificate, string password) => new()
    {
        Host = "127.0.0.1",
        Port = broker.CenterPort,
        CaFile = broker.Pki.CaFile,
        ClientCertFile = certificate.CertFile,
        ClientKeyFile = certificate.KeyFile,
        CredentialsFile = broker.WriteCredentials($"center-credentials-{Guid.NewGuid():N}", "center", password),
        Operator = "operator-1",
        // Reconnect waits (at most 1 s) pass only when the test advances the fake clock; the connect deadline never does here.
        ReconnectDelayMs = 1000,
        ReconnectMaxDelaySeconds = 1,
        ConnectTimeoutSeconds = 300,
    };

    /// <summary>Connects, sees two refused attempts in a row (the wait between them passed on the fake clock), returns why.</summary>
    private static async Task<string[]> RefusedAsync(CenterConsole center, FakeTimeProvider time)
    {
        await using (center)
        {
            var reasons = new ConcurrentQueue<string>();
            center.ConnectFailed += (why, _) => reasons.Enqueue(why);
            var connecting = center.ConnectAsync(CancellationToken.None);
            await GatewayProcess.WaitUntilAsync(() => AdvanceThen(time, () => reasons.Count >= 2), s_wait);
            Assert.False(connecting.IsCompleted);
            Assert.False(center.IsConnected);
            return [.. reasons];
        }
    }

    private static bool AdvanceThen(FakeTimeProvider time, Func<bool> condition)
    {
        if (condition())
        {
            return true;
        }

        time.Advance(TimeSpan.FromSeconds(1));
        return false;
    }

    /// <summary>Publishes an alarm as gw1 (its certificate, the gateway listener) and returns its id once the broker took it.</summary>
    private static async Task<string> PublishAlarmAsync(SecureBroker broker, long seq)
    {
        var id = Guid.CreateVersion7().ToString();
        using var gateway = await broker.ConnectAsync(broker.GatewayCertificate("gw1"), "gw1");
        Assert.Equal("accepted", await SecureBroker.TryPublishAsync(gateway, $"campus/v1/{SecureBroker.Site}/gw1/alarm", CenterConsoleTests.Payload("alarm", id, seq)));
        return id;
    }
}
