using System.Collections.Concurrent;
using System.Device.Gpio;
using EdgeGateway.Core.Inputs;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Hardware.Tests;

/// <summary>
/// Hardware-in-the-loop: a Raspberry Pi with libgpiod and a jumper from BCM 20 (output) to BCM 21 (input),
/// see hardware/test-jig.md. CI excludes these with <c>--filter "requires!=gpio"</c>.
/// </summary>
[Trait("requires", "gpio")]
public sealed class GpioJigTests : IDisposable
{
    private const int Chip = 0;
    private const int DrivePin = 20;
    private const int SensePin = 21;
    private static readonly TimeSpan s_edgeTimeout = TimeSpan.FromSeconds(2);

    private readonly GpioController _drive;
    private readonly GpioInputLines _sut;

    public GpioJigTests()
    {
        // Two drivers on one chip, as the gateway and the jig are separate line requests.
        _drive = new GpioController(ServiceCollectionExtensions.CreateLibgpiodDriver(Chip, NullLogger.Instance));
        _sut = new GpioInputLines(ServiceCollectionExtensions.CreateLibgpiodDriver(Chip, NullLogger.Instance));
    }

    public void Dispose()
    {
        _sut.Dispose();
        _drive.Dispose();
    }

    [Fact]
    public async Task Jumper_DriveLowThenHigh_SenseSeesLevelsAndEdges()
    {
        _drive.OpenPin(DrivePin, PinMode.Output, PinValue.High);
        var edges = new BlockingCollection<bool>();
        _sut.Open([new InputOptions { Id = "jig-sense", Pin = SensePin, Pull = PullMode.Up }], (_, high) => edges.Add(high));
        Assert.True(_sut.Read(SensePin));

        _drive.Write(DrivePin, PinValue.Low);
        Assert.True(await TakeAsync(edges, expectedHigh: false));
        Assert.False(_sut.Read(SensePin));

        _drive.Write(DrivePin, PinValue.High);
        Assert.True(await TakeAsync(edges, expectedHigh: true));
        Assert.True(_sut.Read(SensePin));
    }

    [Fact]
    public void Open_BusyLine_NamesInputAndPin()
    {
        _drive.OpenPin(DrivePin, PinMode.Output, PinValue.High);

        var ex = Assert.Throws<InvalidOperationException>(
            () => _sut.Open([new InputOptions { Id = "jig-busy", Pin = DrivePin }], (_, _) => { }));

        Assert.Contains("'jig-busy'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"GPIO {DrivePin}", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Waits for an edge with the expected level, skipping a repeated edge the kernel may report for one change.</summary>
    private static Task<bool> TakeAsync(BlockingCollection<bool> edges, bool expectedHigh) => Task.Run(() =>
    {
        using var timeout = new CancellationTokenSource(s_edgeTimeout);
        try
        {
            while (true)
            {
                if (edges.Take(timeout.Token) == expectedHigh)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    });
}
