using EdgeGateway.Core.Health;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Health;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeGateway.Mqtt;

public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// The periodic retained <c>health</c> message and the <see cref="IStatusReporter"/>. Register after
    /// <see cref="MqttServiceCollectionExtensions.AddMqttUplink"/>, so it starts after the connection and stops before it.
    /// Needs Core's <see cref="HealthSnapshotBuilder"/> and <c>Health</c> section (<c>AddHealth</c>).
    /// </summary>
    public static IServiceCollection AddHealthReporting(this IServiceCollection services)
    {
        services.AddSingleton<HealthPublisher>();
        services.AddSingleton<IStatusReporter>(sp => sp.GetRequiredService<HealthPublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<HealthPublisher>());
        return services;
    }
}
