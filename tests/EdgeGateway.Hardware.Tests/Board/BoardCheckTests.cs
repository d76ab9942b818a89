using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Hardware.Board;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Hardware.Tests.Board;

public sealed class BoardCheckTests : IDisposable
{
    private const string Pi4 = "Raspberry Pi 4 Model B Rev 1.4";
    private readonly string _root = Directory.CreateTempSubdirectory("eg-dt-").FullName;
    private readonly FakeLogger<BoardCheck> _logger = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task StartAsync_InputOnI2cPinOfAPi_WarnsNamingInputPinAndFunction()
    {
        Model(Pi4);

        await Start(new InputOptions { Id = "lab-contact", Pin = 3, Kind = EventKind.Generic });

        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Equal(
            "Input lab-contact (Generic) uses GPIO 3, which this board reserves for I2C1 SCL (sensors; 1.8 kΩ pull-up on the board); it works only while that function is off",
            warning.Message);
    }

    [Fact]
    public async Task StartAsync_TamperLoopOnTheOneWirePin_Warns()
    {
        Model(Pi4);

        await Start(new InputOptions { Id = "store-intrusion", Pin = 24, Kind = EventKind.Intrusion, TamperPin = 4 });

        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("store-intrusion (Tamper) uses GPIO 4", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_DefaultPins_NoWarning_AndNamesTheBoard()
    {
        Model("Raspberry Pi 5 Model B Rev 1.0");

        await Start(new InputOptions { Id = "office-panic", Pin = 17, Kind = EventKind.Panic });

        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Equal("Board: Raspberry Pi 5 Model B Rev 1.0", _logger.LatestRecord.Message);
    }

    [Fact]
    public async Task StartAsync_NotAPi_DoesNotWarn()
    {
        await Start(new InputOptions { Id = "uart-contact", Pin = 14 });

        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Equal("Board: unknown (no device-tree model)", _logger.LatestRecord.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(14)]
    [InlineData(15)]
    public void Claimed_EachReservedPin_OnAPi(int pin)
    {
        Assert.Single(ReservedPins.Claimed(Pi4, [new InputOptions { Id = "x", Pin = pin }]));
        Assert.Empty(ReservedPins.Claimed("Orange Pi 5", [new InputOptions { Id = "x", Pin = pin }]));
    }

    private void Model(string model)
    {
        var path = Path.Combine(_root, BoardCheck.ModelFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, model + "\0");
    }

    private Task Start(params InputOptions[] inputs) =>
        new BoardCheck(Options.Create(new InputsOptions { Inputs = [.. inputs] }), _logger, _root).StartAsync(CancellationToken.None);
}
