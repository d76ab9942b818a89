using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Mqtt.Downlink;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeGateway.Mqtt;

public static class CommandServiceCollectionExtensions
{
    /// <summary>
    /// The center's commands (<c>…/cmd</c> → <c>…/cmd/result</c>). Register before the MQTT connection starts, so the
    /// command topic is subscribed on the first connect. Needs Core's <see cref="CommandProcessor"/> (<c>AddCommands</c>).
    /// </summary>
    public static IServiceCollection AddCenterCommands(this IServiceCollection services)
    {
        services.AddHostedService<CommandListener>();
        return services;
    }
}
