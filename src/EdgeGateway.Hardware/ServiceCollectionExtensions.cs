using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Runtime.InteropServices;
using EdgeGateway.Core.Inputs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Hardware;

public static class ServiceCollectionExtensions
{
    /// <summary>libgpiod 2.x, which the <see cref="LibGpiodV2Driver"/> binds to (Debian 13 trixie: package libgpiod3).</summary>
    public const string LibgpiodV2Library = "libgpiod.so.3";

    /// <summary>
    /// Registers <see cref="IInputLines"/> over the GPIO driver named by <c>Gpio:Driver</c>. <c>simulated</c> also
    /// registers the <see cref="SimulatedGpioDriver"/> singleton and its <see cref="SimulatedGpioSocket"/> hosted service;
    /// <c>libgpiod</c> opens <c>/dev/gpiochip{Gpio:Chip}</c>. The <c>Gpio</c> and <c>Gateway</c> sections are bound and
    /// validated by Core (<c>AddInputOptions</c>, <c>AddGatewayOptions</c>).
    /// </summary>
    /// <remarks>
    /// The driver kind is read from <paramref name="configuration"/> now, because whether the socket service exists
    /// is decided at registration; a bad name registers nothing extra and fails at ValidateOnStart.
    /// </remarks>
    public static IServiceCollection AddGpioInputs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var configured = configuration.GetSection(GpioOptions.Section).Get<GpioOptions>() ?? new GpioOptions();
        if (configured.IsSimulated)
        {
            services.TryAddSingleton<SimulatedGpioDriver>();
            services.TryAddSingleton<GpioDriver>(sp => sp.GetRequiredService<SimulatedGpioDriver>());

            // The socket's idle timeout and accept backoff; the host's clock when it registered one.
            services.TryAddSingleton(TimeProvider.System);
            services.AddHostedService<SimulatedGpioSocket>();
        }
        else
        {
            // A driver that cannot be created is asked for again at every retry of the lines: said once, then quietly.
            var attempts = 0;
            services.TryAddSingleton<GpioDriver>(sp => CreateLibgpiodDriver(
                sp.GetRequiredService<IOptions<GpioOptions>>().Value.Chip,
                sp.GetService<ILoggerFactory>()?.CreateLogger(typeof(GpioInputLines).FullName!) ?? NullLogger.Instance,
                Interlocked.Increment(ref attempts) == 1 ? LogLevel.Information : LogLevel.Debug));
        }

        // The container owns the driver (the simulator socket shares it), so the lines must not dispose it. The driver
        // is created at the first Open: without libgpiod or the chip the gateway still starts, and the monitor retries.
        services.TryAddSingleton<IInputLines>(sp =>
        {
            var lines = new GpioInputLines(() => ResolveDriver(sp), shouldDispose: false);
            return configured.IsSimulated ? new SimulatedInputLines(sp.GetRequiredService<SimulatedGpioDriver>(), lines) : lines;
        });
        return services;
    }

    /// <summary>The container's driver; a failure to create it says what the installer should do about it.</summary>
    internal static GpioDriver ResolveDriver(IServiceProvider services)
    {
        try
        {
            return services.GetRequiredService<GpioDriver>();
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or ObjectDisposedException))
        {
            var chip = services.GetRequiredService<IOptions<GpioOptions>>().Value.Chip;
            throw new InvalidOperationException(GpioTroubleshooting.Explain(ex, chip, GpioTroubleshooting.ChipsPresent()), ex);
        }
    }

    /// <summary>
    /// The libgpiod driver for <paramref name="chip"/>: <see cref="LibGpiodV2Driver"/> when libgpiod 2.x
    /// (<c>libgpiod.so.3</c>) is installed, as on Raspberry Pi OS trixie; otherwise <see cref="LibGpiodDriver"/>, which
    /// needs libgpiod 1.x (<c>libgpiod.so.2</c>, package libgpiod2 on bookworm). Probing the library, not the OS
    /// version, picks whatever the image actually has; each driver only loads its own soname.
    /// </summary>
    /// <param name="chip">The gpiochip of the 40-pin header.</param>
    /// <param name="logger">Where the choice is logged.</param>
    /// <param name="level">The level it is logged at.</param>
    public static GpioDriver CreateLibgpiodDriver(int chip, ILogger logger, LogLevel level = LogLevel.Information)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (NativeLibrary.TryLoad(LibgpiodV2Library, out var handle))
        {
            NativeLibrary.Free(handle);
            Log.DriverSelected(logger, level, nameof(LibGpiodV2Driver), chip);
            return new LibGpiodV2Driver(chip);
        }

        Log.DriverSelected(logger, level, nameof(LibGpiodDriver), chip);
        return new LibGpiodDriver(chip);
    }
}
