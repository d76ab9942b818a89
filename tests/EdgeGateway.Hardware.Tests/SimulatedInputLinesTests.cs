using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Hardware.Tests;

public sealed class SimulatedInputLinesTests
{
    [Fact]
    public void Open_NcContactWithPullUp_StartsAtRestLow()
    {
        using var driver = new SimulatedGpioDriver();
        var sut = new SimulatedInputLines(driver, new GpioInputLines(driver, shouldDispose: false));

        sut.Open([new InputOptions { Id = "gate-door", Pin = 27, Contact = ContactType.NC, Pull = PullMode.Up }], (_, _) => { });

        Assert.False(sut.Read(27));
    }

    [Fact]
    public void Open_NoContactWithPullUp_StartsAtRestHigh()
    {
        using var driver = new SimulatedGpioDriver();
        var sut = new SimulatedInputLines(driver, new GpioInputLines(driver, shouldDispose: false));

        sut.Open([new InputOptions { Id = "office-panic", Pin = 17, Contact = ContactType.NO, Pull = PullMode.Up }], (_, _) => { });

        Assert.True(sut.Read(17));
    }

    [Fact]
    public void Open_PressDrivenBeforeOpen_IsKept()
    {
        using var driver = new SimulatedGpioDriver();
        driver.SetInputLevel(17, high: false);
        var sut = new SimulatedInputLines(driver, new GpioInputLines(driver, shouldDispose: false));

        sut.Open([new InputOptions { Id = "office-panic", Pin = 17 }], (_, _) => { });

        Assert.False(sut.Read(17));
    }
}
