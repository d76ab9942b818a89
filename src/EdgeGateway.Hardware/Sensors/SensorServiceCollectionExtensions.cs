using EdgeGateway.Core.Sensors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeGateway.Hardware.Sensors;

public static class SensorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Iot.Device.Bindings readers behind Core's <see cref="ISensorReaderFactory"/>. The <c>Sensors</c>
    /// array and the <see cref="SensorMonitor"/> are Core's (<c>AddSensors</c>).
    /// </summary>
    public static IServiceCollection AddSensorReaders(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ISensorReaderFactory, SensorReaderFactory>();
        return services;
    }
}
