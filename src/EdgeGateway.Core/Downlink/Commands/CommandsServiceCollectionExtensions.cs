using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeGateway.Core.Downlink.Commands;

public static class CommandsServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Commands</c> section (validated on start), the <see cref="TestModeSwitch"/> with its
    /// <see cref="TestModePanicHold"/>, the <see cref="CommandIdMemory"/> and the <see cref="CommandProcessor"/>.
    /// The listener that feeds it comes from the uplink adapter.
    /// </summary>
    public static IServiceCollection AddCommands(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<CommandOptions, CommandOptionsValidator>(configuration.GetSection(CommandOptions.Section));
        services.TryAddSingleton<DownlinkProblems>();
        services.AddSingleton<TestModeSwitch>();
        services.AddSingleton<TestModePanicHold>();
        services.AddHostedService(sp => sp.GetRequiredService<TestModePanicHold>());
        services.AddSingleton<CommandIdMemory>();
        services.AddSingleton<CommandProcessor>();
        return services;
    }
}
