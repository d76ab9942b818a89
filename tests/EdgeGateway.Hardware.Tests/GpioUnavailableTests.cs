using System.Device.Gpio;
using EdgeGateway.Core.Inputs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Hardware.Tests;

/// <summary>A driver that cannot be created is an open failure, in words an installer can act on, and can be retried.</summary>
public sealed class GpioUnavailableTests
{
    [Fact]
    public void Explain_LibgpiodMissing_SaysWhatToInstall()
    {
        // What new LibGpiodDriver(chip) throws on a machine without libgpiod.
        var thrown = new PlatformNotSupportedException("Libgpiod driver not installed. More information on: https://git.kernel.org/…");

        Assert.Equal(
            "libgpiod is not installed: apt install libgpiod2 (Raspberry Pi OS bookworm) or libgpiod3 (trixie)",
            GpioTroubleshooting.Explain(thrown, 0, []));
        Assert.StartsWith("libgpiod is not installed", GpioTroubleshooting.Explain(new TypeInitializationException("Interop", new DllNotFoundException("libgpiod.so.2")), 0, []), StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_WrongChip_NamesTheChipsThereAndThePi5Header()
    {
        var reason = GpioTroubleshooting.Explain(new IOException("no chip found"), 7, ["gpiochip4", "gpiochip0"]);

        Assert.Equal(
            "gpiochip7 does not exist (this board has gpiochip0, gpiochip4); Gpio:Chip must name the 40-pin header's chip: 0 on a Pi 3 or 4, "
            + "on a Pi 5 gpiochip4 with older kernels and gpiochip0 with newer ones (gpiodetect shows pinctrl-rp1)",
            reason);
        Assert.StartsWith("gpiochip0 does not exist (this machine has no gpiochip at all)", GpioTroubleshooting.Explain(new IOException("x"), 0, []), StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_NoPermission_NamesTheGroup()
    {
        var reason = GpioTroubleshooting.Explain(new IOException("Error 13 initializing the Gpio driver: Permission denied"), 0, ["gpiochip0"]);

        Assert.Equal("no permission to open /dev/gpiochip0: the service user must be in group gpio (SupplementaryGroups=gpio)", reason);
    }

    [Fact]
    public void Open_DriverThatCannotBeCreatedYet_ThrowsItsReason_ThenOpensOnALaterAttempt()
    {
        var attempts = 0;
        var driver = new SimulatedGpioDriver();
        using var sut = new GpioInputLines(
            () => ++attempts < 3 ? throw new InvalidOperationException("libgpiod is not installed: apt install libgpiod2") : driver,
            shouldDispose: false);
        var inputs = new[] { new InputOptions { Id = "office-panic", Pin = 17 } };

        Assert.Equal("libgpiod is not installed: apt install libgpiod2", Assert.Throws<InvalidOperationException>(() => sut.Open(inputs, (_, _) => { })).Message);
        Assert.Throws<InvalidOperationException>(() => sut.Open(inputs, (_, _) => { }));
        sut.Open(inputs, (_, _) => { });

        Assert.True(sut.Read(17));
    }

    [Fact]
    public void Open_OneBadPin_ClosesTheOthersItOpened_SoTheNextAttemptCanSucceed()
    {
        var driver = new SimulatedGpioDriver();
        using var sut = new GpioInputLines(driver, shouldDispose: false);
        using var controller = new GpioController(driver);

        Assert.Throws<InvalidOperationException>(() => sut.Open(
            [new InputOptions { Id = "office-panic", Pin = 17 }, new InputOptions { Id = "far-away", Pin = 40 }], (_, _) => { }));

        Assert.False(controller.IsPinOpen(17));
        sut.Open([new InputOptions { Id = "office-panic", Pin = 17 }], (_, _) => { });
        Assert.True(sut.Read(17));
    }

    [Fact]
    public void Libgpiod_WithoutTheLibrary_ResolvesTheLines_AndTheirOpenSaysWhatToInstall()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Gpio:Driver"] = "libgpiod", ["Gpio:Chip"] = "7" }).Build();
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddInputOptions(configuration);
        services.AddGpioInputs(configuration);
        services.AddGpioOutputs();
        using var provider = services.BuildServiceProvider();

        var lines = provider.GetRequiredService<IInputLines>();
        provider.GetRequiredService<Core.Outputs.IOutputLines>().Open([]);

        if (File.Exists("/dev/gpiochip7"))
        {
            return;
        }

        var ex = Assert.Throws<InvalidOperationException>(() => lines.Open([new InputOptions { Id = "office-panic", Pin = 17 }], (_, _) => { }));
        Assert.True(
            ex.Message.StartsWith("libgpiod is not installed", StringComparison.Ordinal) || ex.Message.StartsWith("gpiochip7 does not exist", StringComparison.Ordinal),
            ex.Message);
    }
}
