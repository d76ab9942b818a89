using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Sensors;

public static class SensorsServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Sensors</c> array (validated on start, misspelt keys refused) and the <see cref="SensorMonitor"/> hosted
    /// service. The <see cref="ISensorReaderFactory"/> comes from the hardware adapter; with no sensors configured the
    /// monitor does nothing.
    /// </summary>
    public static IServiceCollection AddSensors(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<SensorsOptions, SensorsOptionsValidator>(configuration);
        services.AddSingleton<IValidateOptions<SensorsOptions>>(new SensorsConfigurationValidator(configuration));
        services.AddSingleton<SensorMonitor>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SensorMonitor>());
        return services;
    }
}
