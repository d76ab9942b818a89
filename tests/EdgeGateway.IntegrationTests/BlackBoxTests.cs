using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// The acceptance run: 200 presses on 4 inputs while the broker is stopped and restarted twice and the
/// gateway is killed with SIGKILL once; a subscriber connected throughout receives every accepted event.
/// </summary>
public sealed class BlackBoxTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private static readonly int[] s_pins = [22, 23, 24, 25];

    [Fact]
    public async Task TwoHundredPresses_WithBrokerRestartsAndAKill_EveryAcceptedEventArrives_SeqWithoutGaps()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(broker.Port,
        [
            Gateway.Input("hall-door", 22, "door"),
            Gateway.Input("lab-contact", 23, "generic"),
            Gateway.Input("store-pir", 24, "intrusion", latch: false),
            Gateway.Input("kitchen-smoke", 25, "smoke", latch: false),
        ]);
        await gateway.StartAsync();

        for (var press = 1; press <= 200; press++)
        {
            switch (press)
            {
                case 40 or 140:
                    await broker.StopAsync();
                    break;
                case 80 or 170:
                    await broker.StartAgainAsync();
                    break;
                case 110:
                    // Kill in the middle of a press, while events are in flight, then start on the same data.
                    await gateway.SimAsync($"set {s_pins[press % 4]} low");
                    await gateway.KillAsync();
                    await gateway.StartAsync();
                    continue;
            }

            await PressAsync(gateway, s_pins[press % 4]);
        }

        var accepted = gateway.AcceptedEvents();
        Assert.True(accepted.Count >= 398, $"only {accepted.Count} events accepted");
        await GatewayProcess.WaitUntilAsync(
            () => accepted.Values.All(id => center.Messages.Any(m => m.Payload.Contains(id, StringComparison.Ordinal))),
            TimeSpan.FromSeconds(60));

        var received = center.Messages.Where(m => m.IsEvent).Select(m => m.Json).ToList();
        var seqs = received.Select(e => e.GetProperty("seq").GetInt64()).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.All(accepted, pair => Assert.Contains(pair.Key, seqs));
        var duplicates = received.GroupBy(e => e.GetProperty("id").GetString()).Sum(g => g.Count() - 1);
        // Only what was in flight at a broker stop or at the kill may come twice: at most one window (32) each.
        Assert.True(duplicates <= 3 * 32, $"{duplicates} duplicates");
    }

    private static async Task PressAsync(GatewayProcess gateway, int pin)
    {
        var before = gateway.AcceptedEvents().Count;
        Assert.Equal("ok", await gateway.SimAsync($"set {pin} low"));
        await GatewayProcess.WaitUntilAsync(() => gateway.AcceptedEvents().Count > before, s_wait);
        Assert.Equal("ok", await gateway.SimAsync($"set {pin} high"));
        await GatewayProcess.WaitUntilAsync(() => gateway.AcceptedEvents().Count > before + 1, s_wait);
    }
}
