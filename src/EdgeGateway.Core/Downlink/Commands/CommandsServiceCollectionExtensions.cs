using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeGateway.Core.Downlink.Commands;

public static class CommandsServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Commands</c> section (validated on start), the <see cref="TestModeSwitch"/> and the
    /// <see cref="CommandProcessor"/>. The listener that feeds it comes from the uplink adapter.
    /// </summary>
    public static IServiceCollection AddCommands(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<CommandOptions, CommandOptionsValidator>(configuration.GetSection(CommandOptions.Section));
        services.AddSingleton<TestModeSwitch>();
        services.AddSingleton<CommandProcessor>();
        return services;
    }
}
