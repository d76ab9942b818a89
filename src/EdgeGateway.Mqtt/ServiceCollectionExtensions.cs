using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Connection;
using EdgeGateway.Mqtt.Downlink;
using EdgeGateway.Mqtt.Uplink;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt;

public static class MqttServiceCollectionExtensions
{
    /// <summary>
    /// The uplink (outbox → broker), the ack downlink and the republish of unacknowledged alarms. Hosted services start
    /// in this order. The composition root registers the <see cref="IStatusPayloadSource"/> and the <see cref="LivenessRegistry"/>.
    /// </summary>
    public static IServiceCollection AddMqttUplink(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<MqttOptions>().Bind(configuration.GetSection(MqttOptions.Section));
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        services.AddSingleton<TopicScheme>();
        services.AddSingleton<CenterAcknowledgements>();
        services.AddSingleton<DownlinkRouter>();
        services.AddSingleton<StatusMessages>();
        services.AddSingleton<PathOutageRecorder>();
        services.AddSingleton<MqttConnection>();
        services.AddHostedService<CenterAckListener>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttConnection>());
        services.AddHostedService<OutboxForwarder>();
        services.AddHostedService<AlarmRepublisher>();
        return services;
    }
}
