using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EdgeGateway.Center;
using EdgeGateway.Center.Metrics;
using EdgeGateway.Core.Health;
using EdgeGateway.Host;
using EdgeGateway.Host.Cli;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// The Prometheus endpoints as county IT scrapes them: the gateway process (<c>Metrics</c> section) and the center
/// console (<c>--metrics</c>) against a real Mosquitto, scraped over HTTP after a press and its ack; a port taken
/// costs the metrics only.
/// </summary>
public sealed class MetricsTests
{
    private const int PanicPin = 17;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AfterAPressAndItsAck_GatewayAndCenterServeTheirMetrics()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new CenterConsole(new CenterOptions { Port = broker.Port, AutoAck = true, Operator = "it-check" }, TimeProvider.System);
        using var centerMetrics = new CenterMetrics(center, TimeProvider.System);
        Assert.True(centerMetrics.Start(new IPEndPoint(IPAddress.Loopback, FreePort.Next()), out var problem), problem);
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        center.Acknowledged += (m, _) => acked.TrySetResult();
        await center.ConnectAsync(CancellationToken.None);
        var metricsPort = FreePort.Next();
        await using var gateway = Create(broker.Port, metricsPort);
        await gateway.StartAsync();
        await gateway.WaitForOutputAsync($"Metrics on http://127.0.0.1:{metricsPort}/metrics", s_wait);

        await gateway.SimAsync($"set {PanicPin} low");
        await acked.Task.WaitAsync(s_wait);
        await gateway.WaitForOutputAsync("acknowledged by the center (steady)", s_wait);

        var g = await PrometheusScrape.GetAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.True(g.Value("edgegateway_events_accepted_total", "lane=alarm") >= 1);
        Assert.Equal(0, g.Value("edgegateway_outbox_depth", "lane=alarm"));
        Assert.All(new[] { "alarm", "event", "telemetry" }, lane => Assert.Single(g.Named("edgegateway_outbox_oldest_age_seconds", $"lane={lane}")));
        Assert.Equal(0, g.Value("edgegateway_outbox_set_aside"));
        Assert.Equal(0, g.Value("edgegateway_events_dropped_total", "lane=event", "reason=outbox"));
        var publishes = g.Value("edgegateway_uplink_publish_duration_seconds_count", "lane=alarm");
        Assert.True(publishes >= 1);
        // Loopback PUBACKs: all of them inside the 1 s bucket, the sum a fraction of a second each.
        Assert.Equal(publishes, g.Value("edgegateway_uplink_publish_duration_seconds_bucket", "lane=alarm", "le=1"));
        Assert.Equal(1, g.Value("edgegateway_center_ack_duration_seconds_count"));
        Assert.InRange(g.Value("edgegateway_center_ack_duration_seconds_sum"), 0, 5);
        Assert.Equal(0, g.Value("edgegateway_uplink_reconnects_total"));
        Assert.Equal(0, g.Value("edgegateway_uplink_failovers_total"));
        Assert.Empty(g.Named("edgegateway_storage_failures_total"));

        var c = await PrometheusScrape.GetAsync(centerMetrics.Url!);
        Assert.Equal(1, c.Value("edgecenter_alarms_received_total", "kind=panic", "state=active"));
        Assert.Equal(1, c.Value("edgecenter_alarms", "state=acknowledged"));
        Assert.Equal(0, c.Value("edgecenter_alarms", "state=awaiting_ack"));
        Assert.Equal(1, c.Value("edgecenter_gateways", "state=online"));
        Assert.Equal(0, c.Value("edgecenter_gateways", "state=offline"));
        Assert.Equal(0, c.Value("edgecenter_gateways", "state=silent"));
        Assert.Equal(1, c.Value("edgecenter_ack_duration_seconds_count"));
        Assert.Equal(1, c.Value("edgecenter_alarm_delivery_duration_seconds_count"));
    }

    [Fact]
    public async Task MetricsPortTaken_GatewayRunsOn_HealthSaysMetricsUnavailable()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var gateway = Create(broker.Port, port);

        await gateway.StartAsync();

        await gateway.WaitForOutputAsync($"cannot listen on http://127.0.0.1:{port}/metrics", s_wait);
        var json = new StringWriter();
        Assert.Equal(0, await StatusCommand.RunAsync(gateway.ConfigFile, json: true, json, new StringWriter(), CancellationToken.None));
        var status = JsonSerializer.Deserialize<HealthSnapshot>(json.ToString(), StatusJson.Options)!;
        Assert.Contains(status.Loops, l => l.Name == "metrics" && l.State == LoopStatus.Unavailable);
        Assert.Null(gateway.ExitCode);
    }

    [Fact]
    public void CheckConfig_BadMetricsSection_NamesTheKeys()
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-metrics-").FullName;
        var config = GatewayProcess.SimulatedConfig(directory, 1883, []);
        config["Metrics"] = new Dictionary<string, object> { ["Enabled"] = true, ["Address"] = "metrics.local", ["Port"] = 0, ["Adress"] = "::1" };
        var file = Path.Combine(directory, "config.json");
        File.WriteAllText(file, JsonSerializer.Serialize(config));
        var error = new StringWriter();

        Assert.Equal(78, CheckConfigCommand.Run(file, new StringWriter(), error));

        var text = error.ToString();
        Assert.Contains("Metrics:Port: 0 is outside 1-65535", text, StringComparison.Ordinal);
        Assert.Contains("Metrics:Address: 'metrics.local' is not an IP address", text, StringComparison.Ordinal);
        Assert.Contains("Metrics:Adress", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CenterMetricsPortTaken_StartSaysWhy_AndABadAddressIsNamed()
    {
        await using var center = new CenterConsole(new CenterOptions(), TimeProvider.System);
        using var metrics = new CenterMetrics(center, TimeProvider.System);
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = (IPEndPoint)squatter.LocalEndpoint;

        Assert.False(metrics.Start(taken, out var why));
        Assert.Contains($"cannot listen on http://127.0.0.1:{taken.Port}/metrics", why, StringComparison.Ordinal);
        var problems = new List<string>();
        Assert.Null(CenterMetrics.ParseEndpoint("localhost", problems));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 9465), CenterMetrics.ParseEndpoint("[::1]:9465", problems));
        Assert.Equal("--metrics: 'localhost' is not ADDRESS:PORT (an IP address and a port 1-65535, e.g. 127.0.0.1:9465)", Assert.Single(problems));
    }

    private static GatewayProcess Create(int brokerPort, int metricsPort)
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-metrics-").FullName;
        var config = GatewayProcess.SimulatedConfig(directory, brokerPort, [Gateway.Input("office-panic", PanicPin, "panic")]);
        config["Metrics"] = new Dictionary<string, object> { ["Enabled"] = true, ["Port"] = metricsPort };
        config["Outputs"] = new[] { new { Id = "status-led", Pin = 5, Role = "StatusLed" } };
        return new GatewayProcess(directory, config, Gateway.EntryAssembly);
    }
}
