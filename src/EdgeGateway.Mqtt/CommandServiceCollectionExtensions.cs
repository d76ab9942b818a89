using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Mqtt.Downlink;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt;

public static class CommandServiceCollectionExtensions
{
    /// <summary>
    /// The center's commands (<c>…/cmd</c> → <c>…/cmd/result</c>). Register before the MQTT connection starts, so the
    /// command topic is subscribed on the first connect.
    /// </summary>
    public static IServiceCollection AddCenterCommands(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<CommandOptions>().Bind(configuration.GetSection(CommandOptions.Section));
        services.AddSingleton<IValidateOptions<CommandOptions>, CommandOptionsValidator>();
        services.AddSingleton<TestModeSwitch>();
        services.AddSingleton<CommandProcessor>();
        services.AddHostedService<CommandListener>();
        return services;
    }
}
