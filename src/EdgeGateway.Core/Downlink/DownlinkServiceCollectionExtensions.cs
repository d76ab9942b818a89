using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Downlink;

public static class DownlinkServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Acks</c> section (validated on start), <see cref="CenterAcknowledgements"/> and the
    /// <see cref="AckTracking"/> hosted service that feeds it the alarms the recorder accepts. The ack listener and the
    /// republisher come from the uplink adapter.
    /// </summary>
    public static IServiceCollection AddAcknowledgements(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddStrictOptions<AckOptions>(configuration.GetSection(AckOptions.Section));
        services.AddSingleton<IValidateOptions<AckOptions>>(new AckOptionsValidator(configuration));
        // Refused by AckOptionsValidator with the key each setting moved to.
        services.AddRawConfigurationSection(AckOptionsValidator.FormerSection);
        services.TryAddSingleton<DownlinkProblems>();
        services.AddSingleton<CenterAcknowledgements>();
        services.AddHostedService<AckTracking>();
        return services;
    }
}
