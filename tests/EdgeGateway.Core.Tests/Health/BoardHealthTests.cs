using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Tests.Rigs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Health;

public sealed class BoardHealthTests
{
    [Fact]
    public void Update_UnderVoltage_ReportsOneFault()
    {
        var sut = new BoardHealth();

        var first = sut.Update(new BoardReading(50, UnderVoltage: true));
        var second = sut.Update(new BoardReading(50, UnderVoltage: true));

        Assert.Equal(("board", EventKind.Fault, EventState.Active), (first!.Value.Source, first.Value.Kind, first.Value.State));
        Assert.Null(second);
    }

    [Fact]
    public void Update_SupplyBack_ReportsTheRestore()
    {
        var sut = new BoardHealth();
        sut.Update(new BoardReading(50, UnderVoltage: true));

        var restore = sut.Update(new BoardReading(50, UnderVoltage: false));

        Assert.Equal((EventKind.Fault, EventState.Restored), (restore!.Value.Kind, restore.Value.State));
    }

    [Fact]
    public void Update_UnknownUnderVoltage_ChangesNothing()
    {
        var sut = new BoardHealth();
        sut.Update(new BoardReading(50, UnderVoltage: true));

        Assert.Null(sut.Update(BoardReading.Unknown));
        Assert.Equal(BoardReading.Unknown, sut.Latest);
    }

    [Fact]
    public void Validate_ReadIntervalOutOfRange_NamesTheKey()
    {
        var result = new BoardHealthOptionsValidator().Validate(null, new BoardHealthOptions { ReadIntervalSeconds = 0 });

        Assert.Contains("Board:ReadIntervalSeconds: 0 is outside 1-3600", result.Failures!);
    }

    [Fact]
    public async Task Monitor_UnderVoltageThenBack_StoresFaultAndRestore()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var rig = new RecorderRig();
        var probe = new ScriptedProbe { Next = new BoardReading(61.5, UnderVoltage: true) };
        var health = new BoardHealth();
        using var sut = new BoardHealthMonitor(probe, health, rig.Recorder, Options.Create(new BoardHealthOptions()), rig.Time, NullLogger<BoardHealthMonitor>.Instance);
        await sut.StartAsync(timeout.Token);

        await RunUntilAsync(rig, () => rig.Store.Depth.Alarm == 1, timeout.Token);
        probe.Next = new BoardReading(60, UnderVoltage: false);
        await RunUntilAsync(rig, () => rig.Store.Depth.Alarm == 2, timeout.Token);
        await sut.StopAsync(timeout.Token);

        Assert.Equal(["board fault active", "board fault restored"], rig.Summaries);
        Assert.Equal(60, health.Latest.CpuTemperatureC);
    }

    private static async Task RunUntilAsync(RecorderRig rig, Func<bool> done, CancellationToken cancellationToken)
    {
        while (!done())
        {
            rig.Time.Advance(TimeSpan.FromSeconds(1));

            // A real-time pause so the loop on the thread pool can take its turn; the gateway's clock stays fake.
            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System, cancellationToken);
        }
    }

    private sealed class ScriptedProbe : IBoardProbe
    {
        private volatile BoardReading _next = BoardReading.Unknown;

        public BoardReading Next
        {
            get => _next;
            set => _next = value;
        }

        public BoardReading Read() => _next;
    }
}
