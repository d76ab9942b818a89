using EdgeGateway.Core.Sensors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Hardware.Sensors;

public static class SensorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <c>Sensors</c> array (validated on start), the Iot.Device.Bindings readers and the
    /// <see cref="SensorMonitor"/> hosted service. Needs the <c>EventRecorder</c> the gateway registers; with no sensors
    /// configured the monitor does nothing.
    /// </summary>
    public static IServiceCollection AddSensors(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SensorsOptions>().Bind(configuration).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SensorsOptions>, SensorsOptionsValidator>());
        services.AddSingleton<IValidateOptions<SensorsOptions>>(new SensorsConfigurationValidator(configuration));
        services.TryAddSingleton<ISensorReaderFactory, SensorReaderFactory>();
        services.TryAddSingleton<SensorMonitor>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SensorMonitor>());
        return services;
    }
}
