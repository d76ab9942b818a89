using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Sockets;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Inputs;

/// <summary>Checks the <c>Gpio</c> section; each failure names its key.</summary>
public sealed class GpioOptionsValidator : IValidateOptions<GpioOptions>
{
    /// <summary>Faster level reads only cost CPU: edges faster than about 10 ms are unreliable anyway, and the default debounce is 20 ms.</summary>
    public const int MinPollIntervalMs = 10;

    /// <summary>
    /// A missed edge is reconciled within one poll, and a wired alarm must be signalled within 2 s (GA/T 368); the input
    /// loop beats the systemd watchdog at every poll, far below half the unit's <c>WatchdogSec=30</c>.
    /// </summary>
    public const int MaxPollIntervalMs = 1000;

    private static readonly string[] s_drivers = [GpioOptions.LibgpiodDriver, GpioOptions.SimulatedDriver];

    public ValidateOptionsResult Validate(string? name, GpioOptions options)
    {
        var errors = new ConfigErrors();
        if (string.IsNullOrWhiteSpace(options.Driver))
        {
            errors.Add("Gpio:Driver", $"is required (one of {string.Join(", ", s_drivers)})");
        }
        else if (!s_drivers.Contains(options.Driver, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add("Gpio:Driver", $"'{options.Driver}' is not one of {string.Join(", ", s_drivers)}");
        }

        errors.RequireRange("Gpio:Chip", options.Chip, 0, 255, "the N of /dev/gpiochipN");
        errors.RequireRange("Gpio:PollIntervalMs", options.PollIntervalMs, MinPollIntervalMs, MaxPollIntervalMs,
            "a missed edge is reconciled within one poll; faster is a busy loop, slower misses the 2 s alarm target");

        if (options.SimSocket is { } socket)
        {
            if (string.IsNullOrWhiteSpace(socket))
            {
                errors.Add("Gpio:SimSocket", "is empty; leave it out to use {Gateway:DataDirectory}/gpio-sim.sock");
            }
            else if (SocketPath.TooLong(socket) is { } tooLong)
            {
                errors.Add("Gpio:SimSocket", tooLong);
            }
        }

        return errors.ToResult();
    }
}
