using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Inputs;

/// <summary>Checks the <c>Gpio</c> section; each failure names its key.</summary>
public sealed class GpioOptionsValidator : IValidateOptions<GpioOptions>
{
    /// <summary>sun_path is 108 bytes on Linux including the terminating NUL.</summary>
    public const int MaxSocketPathBytes = 107;

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

        if (options.Chip is < 0 or > 255)
        {
            errors.Add("Gpio:Chip", $"{options.Chip} is outside 0-255 (the N of /dev/gpiochipN)");
        }

        if (options.SimSocket is { } socket)
        {
            if (string.IsNullOrWhiteSpace(socket))
            {
                errors.Add("Gpio:SimSocket", "is empty; leave it out to use {Gateway:DataDirectory}/gpio-sim.sock");
            }
            else if (System.Text.Encoding.UTF8.GetByteCount(socket) > MaxSocketPathBytes)
            {
                errors.Add("Gpio:SimSocket", $"'{socket}' is longer than the {MaxSocketPathBytes} bytes a Unix socket path allows");
            }
        }

        return errors.ToResult();
    }
}
