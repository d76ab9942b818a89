namespace EdgeGateway.Core.Inputs;

/// <summary>The <c>Gpio</c> section: which GPIO driver reads the input lines (Hardware), and how often the <see cref="InputMonitor"/> reads their levels.</summary>
public sealed class GpioOptions
{
    public const string Section = "Gpio";

    /// <summary>Driver name for the Linux GPIO character device through libgpiod.</summary>
    public const string LibgpiodDriver = "libgpiod";

    /// <summary>Driver name for the in-memory lines driven through the Hardware project's simulator socket.</summary>
    public const string SimulatedDriver = "simulated";

    /// <summary>Default socket file name inside <c>Gateway:DataDirectory</c>.</summary>
    public const string DefaultSimSocketFileName = "gpio-sim.sock";

    /// <summary><c>libgpiod</c> on a Raspberry Pi; <c>simulated</c> for demos and tests without hardware.</summary>
    /// <value>Default <c>libgpiod</c>.</value>
    public string Driver { get; set; } = LibgpiodDriver;

    /// <summary>
    /// The <c>/dev/gpiochipN</c> number the header pins are on, for the libgpiod driver.
    /// Pi 3/4: 0. Pi 5: 4 on older kernels (early bookworm images list the RP1 header chip as <c>gpiochip4</c>),
    /// 0 on newer kernels, which renumbered it. Check with <c>gpiodetect</c>: the header chip is the one labelled
    /// <c>pinctrl-rp1</c> (Pi 5) or <c>pinctrl-bcm2711</c>/<c>pinctrl-bcm2835</c> (Pi 4/3).
    /// </summary>
    /// <value>Default 0.</value>
    public int Chip { get; set; }

    /// <summary>Unix socket path of the simulator control socket, for the simulated driver.</summary>
    /// <value>Default null, meaning <c>{Gateway:DataDirectory}/gpio-sim.sock</c>.</value>
    public string? SimSocket { get; set; }

    /// <summary>Level read period; it reconciles an edge the driver missed (edge callbacks are not a guarantee).</summary>
    /// <value>Default 100 ms; 10-1000 (<see cref="GpioOptionsValidator.MaxPollIntervalMs"/>).</value>
    public int PollIntervalMs { get; set; } = 100;

    /// <summary>Whether <see cref="Driver"/> names the simulated driver.</summary>
    public bool IsSimulated => string.Equals(Driver, SimulatedDriver, StringComparison.OrdinalIgnoreCase);

    /// <summary>The simulator socket path after applying the default.</summary>
    public string ResolveSimSocket(string dataDirectory) =>
        string.IsNullOrWhiteSpace(SimSocket) ? Path.Combine(dataDirectory, DefaultSimSocketFileName) : SimSocket;
}
