using System.Collections.Concurrent;
using System.Device.Gpio;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Hardware.Tests;

public sealed class GpioInputLinesTests
{
    [Fact]
    public void Open_NormallyOpenWithPullUp_ReadsHighAtRestAndIsNotActive()
    {
        var input = new InputOptions { Id = "office-panic", Pin = 17, Kind = EventKind.Panic, Contact = ContactType.NO, Pull = PullMode.Up };
        using var sut = new GpioInputLines(new SimulatedGpioDriver());

        sut.Open([input], (_, _) => { });

        Assert.True(sut.Read(17));
        Assert.NotEqual(input.ActiveHigh, sut.Read(17));
    }

    [Theory]
    [InlineData(PullMode.Up, PinMode.InputPullUp)]
    [InlineData(PullMode.Down, PinMode.InputPullDown)]
    [InlineData(PullMode.None, PinMode.Input)]
    public void Open_AppliesTheBiasOfEachInput(PullMode pull, PinMode expected)
    {
        var driver = new ModeRecordingDriver();
        using var sut = new GpioInputLines(driver);

        sut.Open([new InputOptions { Id = "door", Pin = 22, Pull = pull }], (_, _) => { });

        Assert.Equal(expected, driver.Modes[22]);
    }

    [Fact]
    public void Open_PullDownInput_ReadsLowAtRest()
    {
        using var sut = new GpioInputLines(new SimulatedGpioDriver());

        sut.Open([new InputOptions { Id = "smoke", Pin = 23, Pull = PullMode.Down }], (_, _) => { });

        Assert.False(sut.Read(23));
    }

    [Fact]
    public void Edges_ReachOnEdgeWithTheNewLevel()
    {
        var driver = new SimulatedGpioDriver();
        using var sut = new GpioInputLines(driver);
        var edges = new ConcurrentQueue<(int Pin, bool High)>();
        sut.Open(
            [new InputOptions { Id = "office-panic", Pin = 17 }, new InputOptions { Id = "lab-door", Pin = 27 }],
            (pin, high) => edges.Enqueue((pin, high)));

        driver.SetInputLevel(17, high: false);
        driver.SetInputLevel(27, high: false);
        driver.SetInputLevel(17, high: true);

        Assert.Equal([(17, false), (27, false), (17, true)], edges);
        Assert.True(sut.Read(17));
        Assert.False(sut.Read(27));
    }

    [Fact]
    public void Open_PinTheDriverRejects_NamesInputAndPin()
    {
        using var sut = new GpioInputLines(new SimulatedGpioDriver());

        var ex = Assert.Throws<InvalidOperationException>(
            () => sut.Open([new InputOptions { Id = "far-away", Pin = 40 }], (_, _) => { }));

        Assert.Contains("'far-away'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GPIO 40", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_NotOwningTheDriver_ClosesPinsAndLeavesTheDriverUsable()
    {
        var driver = new SimulatedGpioDriver();
        var edges = 0;
        var sut = new GpioInputLines(driver, shouldDispose: false);
        sut.Open([new InputOptions { Id = "office-panic", Pin = 17 }], (_, _) => edges++);

        sut.Dispose();
        driver.SetInputLevel(17, high: false);
        using var again = new GpioInputLines(driver, shouldDispose: false);
        again.Open([new InputOptions { Id = "office-panic", Pin = 17 }], (_, _) => edges++);

        Assert.Equal(0, edges);
        Assert.False(again.Read(17));
    }

    /// <summary>Records the mode each pin was set to, so the bias mapping is checked at the driver seam.</summary>
    private sealed class ModeRecordingDriver : GpioDriver
    {
        public Dictionary<int, PinMode> Modes { get; } = [];

        protected override int PinCount => 28;

        protected override void OpenPin(int pinNumber)
        {
        }

        protected override void ClosePin(int pinNumber)
        {
        }

        protected override void SetPinMode(int pinNumber, PinMode mode) => Modes[pinNumber] = mode;

        protected override PinMode GetPinMode(int pinNumber) => Modes[pinNumber];

        protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

        protected override PinValue Read(int pinNumber) => PinValue.High;

        protected override void Write(int pinNumber, PinValue value)
        {
        }

        protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
            new() { TimedOut = true };

        protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
        {
        }

        protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
        {
        }
    }
}
