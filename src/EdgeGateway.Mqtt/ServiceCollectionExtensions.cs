using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Connection;
using EdgeGateway.Mqtt.Downlink;
using EdgeGateway.Mqtt.Uplink;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeGateway.Mqtt;

public static class MqttServiceCollectionExtensions
{
    /// <summary>
    /// The uplink (outbox → broker, and Core's <see cref="IUplinkPath"/>), the ack listener and the republish of
    /// unacknowledged alarms. Hosted services start in this order. Needs Core's topics, outbox and
    /// <see cref="CenterAcknowledgements"/> (<c>AddTopics</c>, <c>AddOutbox</c>, <c>AddAcknowledgements</c>).
    /// </summary>
    public static IServiceCollection AddMqttUplink(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<MqttOptions, MqttOptionsValidator>(configuration.GetSection(MqttOptions.Section));
        services.AddSingleton<DownlinkRouter>();
        services.AddSingleton<StatusMessages>();
        services.AddSingleton<PathOutageRecorder>();
        services.AddSingleton<MqttConnection>();
        services.AddSingleton<IUplinkPath, ConnectionPath>();
        services.AddHostedService<CenterAckListener>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttConnection>());
        services.AddHostedService<OutboxForwarder>();
        services.AddHostedService<AlarmRepublisher>();
        return services;
    }
}
