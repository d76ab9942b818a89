using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Mqtt.Health;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Mqtt.Tests.Health;

public sealed class HealthPublisherTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    // The harness's connection runs on the system clock; the health timer and uptime run on this one.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger<HealthPublisher> _log = new();

    [Fact]
    public async Task Connected_PublishesHealthAtOnce_ThenEveryInterval_Retained()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        harness.Append(EventKind.Door);
        await harness.StartAsync();
        await using var health = await StartPublisherAsync(harness, intervalSeconds: 60);

        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Any(), s_wait);
        var first = center.On("/health").Single().Json;
        Assert.Equal("campus/v1/s1/gw-test/health", center.On("/health").Single().Topic);
        Assert.Equal(1, first.GetProperty("v").GetInt32());
        Assert.Equal(harness.Identity.BootId, first.GetProperty("boot").GetString());
        Assert.Equal(1, first.GetProperty("lastSeq").GetInt64());
        Assert.Equal(0, first.GetProperty("uptimeSeconds").GetInt64());
        Assert.Equal("primary", first.GetProperty("broker").GetString());
        Assert.Equal(0, first.GetProperty("reconnects").GetInt64());
        Assert.False(first.GetProperty("synced").GetBoolean());

        // Not before the interval ...
        _time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        Assert.Single(center.On("/health"));

        // ... and at it, with what changed meanwhile.
        harness.Append(EventKind.Panic);
        _time.Advance(TimeSpan.FromSeconds(1));
        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Count() == 2, s_wait);
        var second = center.On("/health").Last().Json;
        Assert.Equal(2, second.GetProperty("lastSeq").GetInt64());
        Assert.Equal(60, second.GetProperty("uptimeSeconds").GetInt64());

        // Retained: a center that subscribes later gets the latest at once.
        await using var late = new MqttRecorder(harness.Broker.Port, "late", "campus/v1/+/+/health");
        await late.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => late.On("/health").Any(), s_wait);
        Assert.True(late.On("/health").Single().Retained);
        Assert.Equal(2, late.On("/health").Single().Json.GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task BrokerRestart_NothingWhileDown_HealthAgainRightAfterTheReconnect()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await harness.StartAsync();
        await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);
        await using var health = await StartPublisherAsync(harness, intervalSeconds: 60);

        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Any(), s_wait);

        await harness.RestartBrokerAsync(async () =>
        {
            // A stopped in-process broker may not close the socket: then the keepalive (5 s) has to notice.
            await GatewayProcess.WaitUntilAsync(() => !harness.Connection.IsConnected, TimeSpan.FromSeconds(40));
            _time.Advance(TimeSpan.FromSeconds(120));
        });

        // No interval has passed since the reconnect: this one is the publish-on-connect.
        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Any(m => m.Json.GetProperty("reconnects").GetInt64() == 1), s_wait);
        var again = center.On("/health").Last().Json;
        Assert.Equal("primary", again.GetProperty("broker").GetString());
        Assert.Equal(120, again.GetProperty("uptimeSeconds").GetInt64());
        Assert.Empty(_log.Collector.GetSnapshot());
    }

    [Fact]
    public async Task HealthPublish_OnASilentPath_EndsAtTheGatewaysPubackDeadline_AndTheLoopPublishesAgain()
    {
        await using var harness = await UplinkHarness.CreateAsync(throughProxy: true);
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await harness.StartAsync();
        await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);
        await using var health = await StartPublisherAsync(harness, intervalSeconds: 60);
        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Any(), s_wait);

        // No byte passes: the interval's publish gets no PUBACK. Keepalive 5 s: the gateway's deadline is 2.5 s, and
        // it ends the publish on the session the connection still holds, not the session's end.
        harness.Proxy!.Freeze();
        _time.Advance(TimeSpan.FromSeconds(60));
        await GatewayProcess.WaitUntilAsync(() => _log.Collector.GetSnapshot().Any(r => r.Message.Contains("no PUBACK within 2.5 s", StringComparison.Ordinal)), s_wait);

        // The loop is not held by that publish: once the path carries again, health goes out again.
        harness.Proxy.Thaw();
        await GatewayProcess.WaitUntilAsync(() => harness.Connection.IsConnected, s_wait);
        _time.Advance(TimeSpan.FromSeconds(60));
        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Count() >= 2, s_wait);
    }

    [Fact]
    public async Task ReportNow_RepublishesStatusAndHealth()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await harness.StartAsync();
        await using var health = await StartPublisherAsync(harness, intervalSeconds: 3600);

        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Any() && center.On("/status").Any(), s_wait);
        harness.Append(EventKind.Panic);

        await health.ReportNowAsync(CancellationToken.None).WaitAsync(s_wait);

        await GatewayProcess.WaitUntilAsync(() => center.On("/health").Count() == 2 && center.On("/status").Count() == 2, s_wait);
        Assert.Equal("online", center.On("/status").Last().Json.GetProperty("state").GetString());
        Assert.Equal(1, center.On("/health").Last().Json.GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task ReportNow_NotConnected_Throws()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        using var health = Publisher(harness, intervalSeconds: 60);

        await Assert.ThrowsAsync<InvalidOperationException>(() => health.ReportNowAsync(CancellationToken.None));
    }

    /// <summary>A started publisher; disposing it stops it before the harness's connection goes.</summary>
    private async Task<RunningPublisher> StartPublisherAsync(UplinkHarness harness, int intervalSeconds)
    {
        var publisher = Publisher(harness, intervalSeconds);
        await publisher.StartAsync(CancellationToken.None);
        return new RunningPublisher(publisher);
    }

    private HealthPublisher Publisher(UplinkHarness harness, int intervalSeconds)
    {
        var snapshots = new HealthSnapshotBuilder(
            harness.Store,
            harness.Identity,
            new UnsyncedClock(),
            new BoardHealth(),
            harness.Recorder,
            harness.Acknowledgements,
            new LivenessRegistry(_time),
            Options.Create(new GatewayOptions { SiteId = "s1", GatewayId = "gw-test", DataDirectory = Path.GetTempPath() }),
            _time);
        return new HealthPublisher(harness.Connection, snapshots, harness.Topics, Options.Create(new HealthOptions { IntervalSeconds = intervalSeconds }), _time, _log);
    }

    private sealed class RunningPublisher(HealthPublisher publisher) : IAsyncDisposable
    {
        public Task ReportNowAsync(CancellationToken cancellationToken) => publisher.ReportNowAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await publisher.StopAsync(CancellationToken.None);
            publisher.Dispose();
        }
    }
}
