using System.Device.Gpio;
using EdgeGateway.Core.Outputs;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Hardware.Tests;

public sealed class GpioOutputLinesTests : IDisposable
{
    private static readonly OutputOptions s_led = new() { Id = "status-led", Pin = 5, Role = OutputRole.StatusLed };
    private static readonly OutputOptions s_buzzer = new() { Id = "buzzer", Pin = 6, Role = OutputRole.Sounder };
    private static readonly OutputOptions s_relay = new() { Id = "relay", Pin = 13, Role = OutputRole.Escalation, ActiveLow = true };

    private readonly SimulatedGpioDriver _driver = new();
    private readonly GpioOutputLines _lines;

    public GpioOutputLinesTests()
    {
        _lines = new GpioOutputLines(_driver, NullLogger<GpioOutputLines>.Instance);
    }

    public void Dispose()
    {
        _lines.Dispose();
        _driver.Dispose();
    }

    [Fact]
    public void Open_DrivesEveryOutputToItsOffLevel()
    {
        _lines.Open([s_led, s_buzzer, s_relay]);

        Assert.False(_driver.GetLevel(5));
        Assert.False(_driver.GetLevel(6));
        Assert.True(_driver.GetLevel(13));
    }

    [Fact]
    public void Set_TurnsTheRoleOn_ActiveLowInverted()
    {
        _lines.Open([s_led, s_buzzer, s_relay]);

        _lines.Set(OutputRole.StatusLed, true);
        _lines.Set(OutputRole.Escalation, true);

        Assert.True(_driver.GetLevel(5));
        Assert.False(_driver.GetLevel(6));
        Assert.False(_driver.GetLevel(13));
    }

    [Fact]
    public void Close_DrivesEverythingOff()
    {
        _lines.Open([s_led, s_relay]);
        _lines.Set(OutputRole.StatusLed, true);
        _lines.Set(OutputRole.Escalation, true);

        _lines.Close();

        Assert.False(_driver.GetLevel(5));
        Assert.True(_driver.GetLevel(13));
        _lines.Set(OutputRole.StatusLed, true);
        Assert.False(_driver.GetLevel(5));
    }

    [Fact]
    public void Set_RoleWithoutOutputs_DoesNothing()
    {
        _lines.Open([s_led]);
        var writes = _driver.WriteCount(5);

        _lines.Set(OutputRole.Sounder, true);

        Assert.Equal(writes, _driver.WriteCount(5));
    }

    [Fact]
    public void Open_PinTheDriverRefuses_NamesTheOutput()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => _lines.Open([new OutputOptions { Id = "bad", Pin = 40, Role = OutputRole.Sounder }]));

        Assert.Contains("output 'bad' on GPIO 40", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, true, 1)]
    [InlineData(false, false, 0)]
    [InlineData(true, true, 0)]
    [InlineData(true, false, 1)]
    public void LevelOf_InvertsForActiveLow(bool activeLow, bool on, int level)
    {
        Assert.Equal((PinValue)level, GpioOutputLines.LevelOf(new OutputOptions { ActiveLow = activeLow }, on));
    }
}
