using EdgeGateway.Core.Health;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt;

public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// The periodic retained <c>health</c> message and the <see cref="IStatusReporter"/>. Register after
    /// <see cref="MqttServiceCollectionExtensions.AddMqttUplink"/>, so it starts after the connection and stops before it.
    /// </summary>
    public static IServiceCollection AddHealthReporting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section));
        services.AddSingleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>();
        services.TryAddSingleton<BoardHealth>();
        services.AddSingleton<HealthSnapshotBuilder>();
        services.AddSingleton<HealthPublisher>();
        services.AddSingleton<IStatusReporter>(sp => sp.GetRequiredService<HealthPublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<HealthPublisher>());
        return services;
    }
}
