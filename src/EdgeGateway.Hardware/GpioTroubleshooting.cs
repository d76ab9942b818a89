namespace EdgeGateway.Hardware;

/// <summary>
/// Turns what System.Device.Gpio throws when the driver cannot be created into words an installer can act on. Without
/// libgpiod, <c>new LibGpiodDriver(chip)</c> throws <see cref="PlatformNotSupportedException"/> ("Libgpiod driver not
/// installed"); with it but without the chip, an <see cref="IOException"/>; without the <c>gpio</c> group, a
/// permission error.
/// </summary>
public static class GpioTroubleshooting
{
    /// <summary>The reason the GPIO driver for <c>/dev/gpiochip{chip}</c> could not be created.</summary>
    /// <param name="exception">What creating the driver threw.</param>
    /// <param name="chip">The configured <c>Gpio:Chip</c>.</param>
    /// <param name="chipsPresent">The <c>gpiochipN</c> devices that exist, for the "wrong chip" advice.</param>
    public static string Explain(Exception exception, int chip, IReadOnlyCollection<string> chipsPresent)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(chipsPresent);
        if (Chain(exception).Any(e => e is PlatformNotSupportedException or DllNotFoundException or EntryPointNotFoundException))
        {
            return "libgpiod is not installed: apt install libgpiod2 (Raspberry Pi OS bookworm) or libgpiod3 (trixie)";
        }

        var device = $"gpiochip{chip}";
        if (!chipsPresent.Contains(device, StringComparer.Ordinal))
        {
            var present = chipsPresent.Count == 0 ? "this machine has no gpiochip at all" : "this board has " + string.Join(", ", chipsPresent.Order(StringComparer.Ordinal));
            return $"{device} does not exist ({present}); Gpio:Chip must name the 40-pin header's chip: 0 on a Pi 3 or 4, "
                + "on a Pi 5 gpiochip4 with older kernels and gpiochip0 with newer ones (gpiodetect shows pinctrl-rp1)";
        }

        if (Chain(exception).Any(e => e is UnauthorizedAccessException || e.Message.Contains("ermission denied", StringComparison.Ordinal)))
        {
            return $"no permission to open /dev/{device}: the service user must be in group gpio (SupplementaryGroups=gpio)";
        }

        return $"the GPIO driver for /dev/{device} failed: {exception.Message}";
    }

    /// <summary>The <c>gpiochipN</c> devices under <paramref name="dev"/>.</summary>
    public static IReadOnlyCollection<string> ChipsPresent(string dev = "/dev")
    {
        try
        {
            return [.. Directory.EnumerateFileSystemEntries(dev, "gpiochip*").Select(Path.GetFileName).OfType<string>()];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
