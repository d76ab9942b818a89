using System.Globalization;
using EdgeGateway.TestKit;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests.Chaos;

/// <summary>
/// Chaos mode: SIGKILLs, broker flaps, a silent path and a full disk at seeded random times while a guard keeps
/// pressing panic buttons; afterwards every event the gateway logged as accepted must have reached the center, and
/// no seq may have gone to two event ids (among the accepted lines or the center's deliveries).
/// The short run is part of <c>dotnet test</c>; the long one (an hour by default) runs outside CI with
/// <c>dotnet test tests/EdgeGateway.IntegrationTests --filter chaos=long --logger "console;verbosity=detailed"</c> (<c>EDGEGATEWAY_CHAOS_MINUTES</c> sets its length).
/// A failure prints its seed: <c>EDGEGATEWAY_CHAOS_SEED=…</c> replays the same schedule of faults.
/// </summary>
public sealed class ChaosTests(ITestOutputHelper output)
{
    /// <summary>With the gateway's start, the last episode and the final drain, the short run takes about two minutes.</summary>
    private static readonly TimeSpan s_shortChaos = TimeSpan.FromSeconds(95);

    /// <summary>Not vacuous: far below what an idle machine reaches (~40/min), since presses land only while the gateway is up.</summary>
    private const double MinPanicPressesPerMinute = 5;

    [Fact]
    [Trait("chaos", "short")]
    public Task ShortChaos_NoAcceptedAlarmIsLost() => RunAsync(s_shortChaos);

    /// <summary>Minutes of the long run (default 60); the README's test command leaves the long run out (<c>chaos!=long</c>).</summary>
    public const string LongChaosMinutesVariable = "EDGEGATEWAY_CHAOS_MINUTES";

    [Fact]
    [Trait("chaos", "long")]
    public Task LongChaos_NoAcceptedAlarmIsLost()
    {
        var minutes = Environment.GetEnvironmentVariable(LongChaosMinutesVariable) is { Length: > 0 } value ? double.Parse(value, CultureInfo.InvariantCulture) : 60;
        return RunAsync(TimeSpan.FromMinutes(minutes));
    }

    private async Task RunAsync(TimeSpan duration)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("EDGEGATEWAY_CHAOS_SEED"), CultureInfo.InvariantCulture, out var replay) ? replay : Random.Shared.Next();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos seed {seed} for {duration.TotalMinutes:0.##} min (replay: EDGEGATEWAY_CHAOS_SEED={seed})"));
        await using var broker = await MosquittoBroker.StartAsync();
        await using var proxy = new TcpProxy(broker.Port);
        await using var center = new ChaosCenter(broker.Port);
        await center.StartAsync();
        await using var gateway = Gateway.Create(proxy.Port, ChaosRun.Inputs, ChaosRun.KeepAliveSeconds);
        // Disposed before the gateway is killed: umount -l detaches it from under the running process.
        await using var disk = await ChaosRun.TryMountSmallDiskAsync(gateway.DataDirectory);

        var result = await new ChaosRun(seed, broker, proxy, center, gateway, disk).RunAsync(duration);

        output.WriteLine(result.Report());
        Assert.True(result.Missing.Count == 0, $"seed {seed}: {result.Missing.Count} accepted events never reached the center ({result.RecoveredByRescueRestart} of them after a rescue restart):\n{string.Join('\n', result.MissingContext.Take(5))}");
        Assert.True(result.AcceptedSeqCollisions == 0 && result.DeliveredSeqCollisions == 0, $"seed {seed}: seqs given to two ids, {result.AcceptedSeqCollisions} accepted / {result.DeliveredSeqCollisions} delivered:\n{string.Join('\n', result.SeqCollisionDetail.Take(5))}");
        Assert.True(result.PanicPressesPerMinute >= MinPanicPressesPerMinute, $"seed {seed}: vacuous run, only {result.PanicPresses} panic presses accepted in {result.ChaosTime}");
        Assert.All(result.Injected.Where(i => i.Key != ChaosFault.DiskFull || disk is not null), i => Assert.True(i.Value > 0, $"seed {seed}: no {ChaosRun.Name(i.Key)} injected"));
    }
}
