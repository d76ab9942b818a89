using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EdgeGateway.TestKit;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// "Nothing in the field can wedge the alarm path", the connection part: the gateway as a process against real
/// Mosquittos behind a tarpit (accepts TCP, never answers) or a proxy that goes silent for good, and an alarm that
/// does not wait out the reconnect backoff.
/// </summary>
public sealed partial class ConnectionDeadlineTests(ITestOutputHelper output)
{
    private const int AlarmPin = 24;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PrimaryIsATarpit_AnAlarmReachesTheSecondary()
    {
        await using var primary = new TcpTarpit();
        await using var secondary = await MosquittoBroker.StartAsync();
        await using var centerB = new MqttRecorder(secondary.Port, "center-b");
        await centerB.StartAsync();
        await using var gateway = DualPathGateway(primary.Port, secondary.Port, keepAliveSeconds: 2, connectTimeoutSeconds: 2, failoverAfterSeconds: 3);

        var started = Stopwatch.StartNew();
        await gateway.StartAsync();
        await gateway.SimAsync($"set {AlarmPin} low");
        await GatewayProcess.WaitUntilAsync(() => ActiveAlarms(centerB) > 0, s_wait);
        var arrived = started.Elapsed;

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tarpit primary: alarm on the secondary {arrived.TotalSeconds:0.0} s after the start (connect timeout 2 s, failover after 3 s); tarpit accepted {primary.Accepted} connections"));
        foreach (var line in gateway.Output.Split('\n').Where(l => l.Contains("Connecting to", StringComparison.Ordinal) || l.Contains("Switching", StringComparison.Ordinal)).Take(6))
        {
            output.WriteLine(line);
        }

        Assert.True(primary.Accepted >= 1, "the gateway never tried the primary");
        Assert.Contains("no CONNACK within Mqtt:ConnectTimeoutSeconds", gateway.Output, StringComparison.Ordinal);
        Assert.True(arrived < TimeSpan.FromSeconds(30), $"alarm took {arrived}");
    }

    [Fact]
    public async Task PrimaryGoesSilentForGood_AnAlarmPressedThenReachesTheSecondary_AndTheGatewayStaysThere()
    {
        const int KeepAlive = 2;
        const int ConnectTimeout = 2;
        const int FailoverAfter = 3;
        await using var brokerA = await MosquittoBroker.StartAsync();
        await using var proxy = new TcpProxy(brokerA.Port);
        await using var secondary = await MosquittoBroker.StartAsync();
        await using var centerA = new MqttRecorder(brokerA.Port, "center-a");
        await using var centerB = new MqttRecorder(secondary.Port, "center-b");
        await centerA.StartAsync();
        await centerB.StartAsync();
        await using var gateway = DualPathGateway(proxy.Port, secondary.Port, KeepAlive, ConnectTimeout, FailoverAfter);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => centerA.On("/status").Any(m => m.Payload.Contains("online", StringComparison.Ordinal)), s_wait);
        await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System);

        proxy.GoSilent();
        var silent = Stopwatch.StartNew();
        await gateway.SimAsync($"set {AlarmPin} low");
        await GatewayProcess.WaitUntilAsync(() => ActiveAlarms(centerB) > 0, s_wait);
        var arrived = silent.Elapsed;
        var bound = (1.5 * KeepAlive) + FailoverAfter + ConnectTimeout;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"primary silent for good: alarm on the secondary after {arrived.TotalSeconds:0.0} s (1.5 x keepalive + failover + connect timeout = {bound:0.0} s)"));

        // The primary still accepts TCP: the probe must not take the gateway back to it.
        await GatewayProcess.WaitUntilAsync(() => gateway.Output.Contains("is not back yet", StringComparison.Ordinal), s_wait);
        Assert.DoesNotContain("the primary broker is back", gateway.Output, StringComparison.Ordinal);
        Assert.Equal(0, ActiveAlarms(centerA));
        Assert.True(arrived < TimeSpan.FromSeconds(bound + 10), $"alarm took {arrived}, bound {bound} s");
    }

    /// <summary>More repetitions: <c>EDGEGATEWAY_EXPEDITE_CYCLES=5 dotnet test tests/EdgeGateway.IntegrationTests --filter ConnectionDeadline</c>.</summary>
    [Fact]
    public async Task BrokerDown_AlarmPressed_BrokerBack_TheAlarmDoesNotWaitOutTheBackoff()
    {
        var cycles = int.TryParse(Environment.GetEnvironmentVariable("EDGEGATEWAY_EXPEDITE_CYCLES"), CultureInfo.InvariantCulture, out var configured) ? configured : 3;
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        var directory = Directory.CreateTempSubdirectory("edge-gateway-test-").FullName;
        var config = GatewayProcess.SimulatedConfig(directory, broker.Port, [Gateway.Input("store-pir", AlarmPin, "intrusion", latch: false)]);
        var mqtt = GatewayProcess.Section(config, "Mqtt");
        // Production backoff ceiling; a long first delay so it reaches the ceiling within seconds, not a minute.
        mqtt["ReconnectDelayMs"] = 8000;
        mqtt["ReconnectMaxDelaySeconds"] = 30;
        mqtt["ExpeditedConnectMinSeconds"] = 5;
        await using var gateway = new GatewayProcess(directory, config, Gateway.EntryAssembly);
        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => center.On("/status").Any(m => m.Payload.Contains("online", StringComparison.Ordinal)), s_wait);

        var latencies = new List<TimeSpan>();
        var pendingDelays = new List<long>();
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            var failuresBefore = RetryDelays(gateway.Output).Count;
            await broker.StopAsync();
            // Wait until the backoff has grown: the next try is at least 15 s away.
            await GatewayProcess.WaitUntilAsync(() => RetryDelays(gateway.Output).Skip(failuresBefore).Any(d => d >= 15_000), s_wait);
            pendingDelays.Add(RetryDelays(gateway.Output)[^1]);
            var before = ActiveAlarms(center);
            await gateway.SimAsync($"set {AlarmPin} low");
            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System);

            await broker.StartAgainAsync();
            var back = Stopwatch.StartNew();
            await GatewayProcess.WaitUntilAsync(() => ActiveAlarms(center) > before, s_wait);
            latencies.Add(back.Elapsed);
            await gateway.SimAsync($"set {AlarmPin} high");
            await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Count(m => m.Json.GetProperty("state").GetString() == "restored") > cycle, s_wait);
        }

        var sorted = latencies.Order().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"alarm after the broker's return: {string.Join(", ", latencies.Select(l => l.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)))} s; median {sorted[sorted.Count / 2].TotalSeconds:0.00} s, max {sorted[^1].TotalSeconds:0.00} s over {cycles} cycles (ExpeditedConnectMinSeconds 5)"));
        output.WriteLine($"backoff pending when the alarm was pressed (what it would have waited without the expedite): {string.Join(", ", pendingDelays)} ms (ReconnectMaxDelaySeconds 30)");
        Assert.Contains("An alarm is waiting", gateway.Output, StringComparison.Ordinal);
        Assert.All(latencies, l => Assert.True(l < TimeSpan.FromSeconds(12), $"alarm took {l} after the broker came back"));
    }

    private static GatewayProcess DualPathGateway(int primaryPort, int secondaryPort, int keepAliveSeconds, int connectTimeoutSeconds, int failoverAfterSeconds)
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-test-").FullName;
        var config = GatewayProcess.SimulatedConfig(directory, primaryPort, [Gateway.Input("store-pir", AlarmPin, "intrusion", latch: false)], keepAliveSeconds);
        var mqtt = GatewayProcess.Section(config, "Mqtt");
        mqtt["Secondary"] = new Dictionary<string, object> { ["Host"] = "127.0.0.1", ["Port"] = secondaryPort };
        mqtt["ConnectTimeoutSeconds"] = connectTimeoutSeconds;
        mqtt["FailoverAfterSeconds"] = failoverAfterSeconds;
        mqtt["PrimaryProbeSeconds"] = 1;
        return new GatewayProcess(directory, config, Gateway.EntryAssembly);
    }

    private static int ActiveAlarms(MqttRecorder center) => center.On("/alarm").Count(m =>
        m.Json.GetProperty("kind").GetString() == "intrusion" && m.Json.GetProperty("state").GetString() == "active");

    private static List<long> RetryDelays(string gatewayOutput) =>
        [.. NextTry().Matches(gatewayOutput).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"next try in (\d+) ms")]
    private static partial Regex NextTry();
}
