using System.Diagnostics;
using System.Globalization;
using EdgeGateway.TestKit;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary>The gateway started on a full disk that holds a stored backlog: the forwarder's removes fail while it drains.</summary>
public sealed class DiskFullBacklogTests(ITestOutputHelper output)
{
    private const int Backlog = 3000;
    private const int Presses = 5;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task FullDiskWithABacklog_PressesAreDelivered_TheProcessKeepsRunning_AndTheFaultRestoresWhenSpaceReturns()
    {
        // Arrange: a backlog stored by an earlier run, then the disk filled, then the gateway started.
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("store-pir", 24, "intrusion", latch: false)]);
        await using var disk = await SmallDisk.MountAsync(gateway.DataDirectory, megabytes: 8);
        OutboxFiller.Fill(gateway.DataDirectory, Backlog, batch: 500);
        var filler = disk.FillUp();
        await gateway.StartAsync();
        var processId = gateway.ProcessId;

        // Act: presses while the disk is full and the backlog drains.
        var latencies = new List<TimeSpan>();
        for (var i = 0; i < Presses; i++)
        {
            var before = Intrusions(center);
            var press = Stopwatch.StartNew();
            await gateway.SimAsync("set 24 low");
            try
            {
                await GatewayProcess.WaitUntilAsync(() => Intrusions(center) > before, s_wait);
            }
            catch (TimeoutException)
            {
                output.WriteLine($"press {i} never arrived; exit code {gateway.ExitCode}; gateway (last 6000 chars):\n{gateway.Output[^Math.Min(6000, gateway.Output.Length)..]}");
                throw;
            }

            latencies.Add(press.Elapsed);

            // The release must outlast the debounce and be reported, or the next "press" is no new activation.
            var releasesBefore = Intrusions(center, "restored");
            await gateway.SimAsync("set 24 high");
            await GatewayProcess.WaitUntilAsync(() => Intrusions(center, "restored") > releasesBefore, s_wait);
        }

        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(m => IsStorageFault(m, "active")), s_wait);
        var exitedWhileFull = gateway.ExitCode;
        var backlogSeen = center.On("/event").Count();

        File.Delete(filler);
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(m => IsStorageFault(m, "restored")), s_wait);
        var beforeLast = Intrusions(center);
        await gateway.SimAsync("set 24 low");
        await GatewayProcess.WaitUntilAsync(() => Intrusions(center) > beforeLast, s_wait);
        await GatewayProcess.WaitUntilAsync(() => center.On("/event").Select(m => m.Json.GetProperty("id").GetString()).Distinct().Count() >= Backlog, s_wait);

        // Assert
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"full disk, {Backlog} stored: {Intrusions(center)} of {Presses + 1} presses delivered (press to center: {string.Join(", ", latencies.Select(l => $"{l.TotalMilliseconds:0} ms"))}); backlog events seen while full {backlogSeen}; process exits/restarts 0 (pid {processId} still {gateway.ProcessId}, exit code {exitedWhileFull?.ToString(CultureInfo.InvariantCulture) ?? "none"})"));
        Assert.Null(exitedWhileFull);
        Assert.Null(gateway.ExitCode);
        Assert.Equal(processId, gateway.ProcessId);
        Assert.Equal(Presses + 1, Intrusions(center));
        Assert.All(latencies, l => Assert.True(l < TimeSpan.FromSeconds(15), $"a press took {l} on the full disk"));
    }

    // Distinct ids: an alarm the center did not ack is published again, which is not another press.
    private static int Intrusions(MqttRecorder center, string state = "active") => center.On("/alarm")
        .Where(m => m.Json.GetProperty("kind").GetString() == "intrusion" && m.Json.GetProperty("state").GetString() == state)
        .Select(m => m.Json.GetProperty("id").GetString())
        .Distinct()
        .Count();

    private static bool IsStorageFault(ReceivedMessage message, string state)
    {
        var json = message.Json;
        return json.GetProperty("kind").GetString() == "fault" && json.GetProperty("state").GetString() == state
            && json.GetProperty("detail").GetProperty("fault").GetString() == "storage";
    }
}
