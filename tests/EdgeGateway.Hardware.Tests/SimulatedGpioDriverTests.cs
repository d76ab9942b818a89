using System.Device.Gpio;

namespace EdgeGateway.Hardware.Tests;

public sealed class SimulatedGpioDriverTests
{
    [Theory]
    [InlineData(PinMode.InputPullUp, true)]
    [InlineData(PinMode.InputPullDown, false)]
    [InlineData(PinMode.Input, true)]
    public void Read_UndrivenInput_GivesTheLevelOfItsPull(PinMode mode, bool expectedHigh)
    {
        using var controller = new GpioController(new SimulatedGpioDriver());

        controller.OpenPin(17, mode);

        Assert.Equal(expectedHigh ? PinValue.High : PinValue.Low, controller.Read(17));
    }

    [Fact]
    public void SetInputLevel_Changes_RaisesTheMatchingEdge()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(5, PinMode.InputPullUp);
        var edges = new List<(int Pin, PinEventTypes Type, PinValue Level)>();
        controller.RegisterCallbackForPinValueChangedEvent(
            5, PinEventTypes.Rising | PinEventTypes.Falling, (_, e) => edges.Add((e.PinNumber, e.ChangeType, controller.Read(5))));

        driver.SetInputLevel(5, high: false);
        driver.SetInputLevel(5, high: true);

        Assert.Equal([(5, PinEventTypes.Falling, PinValue.Low), (5, PinEventTypes.Rising, PinValue.High)], edges);
    }

    [Fact]
    public void SetInputLevel_SameLevel_RaisesNothing()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(6, PinMode.InputPullUp);
        var count = 0;
        controller.RegisterCallbackForPinValueChangedEvent(6, PinEventTypes.Rising | PinEventTypes.Falling, (_, _) => count++);

        driver.SetInputLevel(6, high: true);
        driver.SetInputLevel(6, high: false);
        driver.SetInputLevel(6, high: false);

        Assert.Equal(1, count);
    }

    [Fact]
    public void SetInputLevel_OnlyRisingRegistered_IgnoresFalling()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(7, PinMode.InputPullDown);
        var types = new List<PinEventTypes>();
        controller.RegisterCallbackForPinValueChangedEvent(7, PinEventTypes.Rising, (_, e) => types.Add(e.ChangeType));

        driver.SetInputLevel(7, high: true);
        driver.SetInputLevel(7, high: false);

        Assert.Equal([PinEventTypes.Rising], types);
    }

    [Fact]
    public void Write_OutputPin_ReadsBackTheWrittenLevel()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(20, PinMode.Output, PinValue.Low);

        Assert.Equal(PinValue.Low, controller.Read(20));
        controller.Write(20, PinValue.High);

        Assert.Equal(PinValue.High, controller.Read(20));
        Assert.True(driver.GetLevel(20));
    }

    [Fact]
    public void SetInputLevel_OutputPin_Throws()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(21, PinMode.Output);

        Assert.Throws<InvalidOperationException>(() => driver.SetInputLevel(21, high: true));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(28)]
    public void SetInputLevel_PinOutsideSimulator_Throws(int pin)
    {
        var driver = new SimulatedGpioDriver();

        Assert.Throws<ArgumentOutOfRangeException>(() => driver.SetInputLevel(pin, high: true));
    }

    [Fact]
    public void ClosePin_DropsCallbacks_KeepsLevel()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(9, PinMode.InputPullUp);
        var count = 0;
        controller.RegisterCallbackForPinValueChangedEvent(9, PinEventTypes.Falling, (_, _) => count++);
        controller.ClosePin(9);

        driver.SetInputLevel(9, high: false);

        Assert.Equal(0, count);
        Assert.False(driver.GetLevel(9));
    }

    [Fact]
    public async Task WaitForEventAsync_Edge_CompletesWithItsType()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(12, PinMode.InputPullUp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var wait = controller.WaitForEventAsync(12, PinEventTypes.Falling, timeout.Token).AsTask();
        while (!wait.IsCompleted && !timeout.IsCancellationRequested)
        {
            // The waiter registers on another thread; keep toggling until it has seen a falling edge.
            driver.SetInputLevel(12, high: false);
            driver.SetInputLevel(12, high: true);
            await Task.Yield();
        }

        var result = await wait;
        Assert.False(result.TimedOut);
        Assert.Equal(PinEventTypes.Falling, result.EventTypes);
    }

    [Fact]
    public async Task WaitForEventAsync_Cancelled_ReportsTimeout()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(13, PinMode.InputPullUp);
        using var cancel = new CancellationTokenSource();

        var wait = controller.WaitForEventAsync(13, PinEventTypes.Falling, cancel.Token).AsTask();
        await cancel.CancelAsync();
        var result = await wait.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(result.TimedOut);
    }
}
