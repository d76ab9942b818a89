using System.Device.Gpio;
using EdgeGateway.Core.Outputs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Hardware;

public static class OutputServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IOutputLines"/> over the <see cref="GpioDriver"/> that <see cref="ServiceCollectionExtensions.AddGpioInputs"/>
    /// registered (libgpiod or the simulator), so simulated outputs are read back through the sim socket's <c>get</c>.
    /// </summary>
    public static IServiceCollection AddGpioOutputs(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // The driver only when an output is opened, so a gateway without outputs starts without libgpiod.
        services.TryAddSingleton<IOutputLines>(sp => new GpioOutputLines(
            () => ServiceCollectionExtensions.ResolveDriver(sp), sp.GetRequiredService<ILogger<GpioOutputLines>>()));
        return services;
    }
}
