using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EdgeGateway.Center;
using EdgeGateway.TestKit;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// Issue 15 "loses nothing": the center's receive path against Mosquitto as deployed (deploy/mosquitto's queue and
/// in-flight limits) with more QoS 1 traffic than it can take at once, on a machine with every core busy.
/// </summary>
public sealed class CenterLossTests(ITestOutputHelper output)
{
    private const int Publishers = 50;
    private const int PerPublisher = 2_000;

    [Fact]
    public async Task HundredThousandFromManyPublishers_IntoTwoConsolesInOneShareGroup_UnderCpuLoad_EveryIdOnce()
    {
        await using var broker = await MosquittoBroker.StartAsync(DeployedQueueLimits(), allowAnonymous: true);
        await using var first = new CenterConsole(new CenterOptions { Port = broker.Port, Group = "county", ClientId = "loss-a" }, TimeProvider.System);
        await using var second = new CenterConsole(new CenterOptions { Port = broker.Port, Group = "county", ClientId = "loss-b" }, TimeProvider.System);
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var received = 0;
        void Count(CenterMessage message, TimeSpan age)
        {
            counts.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
            Interlocked.Increment(ref received);
        }

        first.Received += Count;
        second.Received += Count;
        await first.ConnectAsync(CancellationToken.None);
        await second.ConnectAsync(CancellationToken.None);
        Assert.True(first.SharedSubscription && second.SharedSubscription);

        using var load = new CpuLoad(Environment.ProcessorCount);
        var clock = Stopwatch.StartNew();
        var sent = await PublishAsync(broker.Port);
        var allIn = await ArrivesAsync(() => Volatile.Read(ref received) >= sent.Count, TimeSpan.FromMinutes(3));
        load.Dispose();

        var missing = sent.Count(id => !counts.ContainsKey(id));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sent.Count} published by {Publishers} clients in {clock.Elapsed.TotalSeconds:0.0} s under {Environment.ProcessorCount} spinning threads; received {received} (missing {missing}, first {first.Duplicates} / second {second.Duplicates} duplicates dropped); all in: {allIn}"));
        output.WriteLine($"broker: {string.Join(" / ", broker.Log.Split('\n').Where(l => l.Contains("dropped", StringComparison.Ordinal)).Take(5))}");
        Assert.Equal(0, missing);
        Assert.All(counts.Values, n => Assert.Equal(1, n));
        Assert.Equal(sent.Count, counts.Count);
    }

    /// <summary>The per-client queue and in-flight limits of the shipped deploy/mosquitto/mosquitto.conf.</summary>
    private static string[] DeployedQueueLimits() =>
        [.. File.ReadLines(Path.Combine(ContractSchemas.RepositoryRoot, "deploy", "mosquitto", "mosquitto.conf"))
            .Where(l => l.StartsWith("max_queued_", StringComparison.Ordinal) || l.StartsWith("max_inflight_", StringComparison.Ordinal))];

    private static async Task<bool> ArrivesAsync(Func<bool> condition, TimeSpan timeout)
    {
        try
        {
            await GatewayProcess.WaitUntilAsync(condition, timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Publishers = gateways: each its own client and topic, one seq, QoS 1 with a window of 32 in flight.</summary>
    private static async Task<List<string>> PublishAsync(int port)
    {
        var ids = new ConcurrentQueue<string>();
        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(async p =>
        {
            await using var gateway = new MqttRecorder(port, $"loss-gw{p}", filter: "campus/v1/none");
            await gateway.StartAsync();
            var window = new SemaphoreSlim(32);
            var pending = new List<Task>(PerPublisher);
            for (var seq = 1; seq <= PerPublisher; seq++)
            {
                var id = Guid.CreateVersion7().ToString();
                await window.WaitAsync();
                pending.Add(PublishOneAsync(gateway, $"campus/v1/test-school/gw{p}/event", CenterConsoleTests.Payload("event", id, seq, gateway: $"gw{p}"), window));
                ids.Enqueue(id);
            }

            await Task.WhenAll(pending);
        }));
        return [.. ids];
    }

    private static async Task PublishOneAsync(MqttRecorder gateway, string topic, string payload, SemaphoreSlim window)
    {
        try
        {
            await gateway.PublishAsync(topic, payload);
        }
        finally
        {
            window.Release();
        }
    }
}
