using EdgeGateway.Core.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Configuration;

public static class ConfigurationServiceCollectionExtensions
{
    /// <summary>The <c>Gateway</c> section (who this gateway is, where its data lives), validated on start.</summary>
    public static IServiceCollection AddGatewayOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptionsWithValidateOnStart<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section));
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        return services;
    }

    /// <summary>
    /// Who the gateway is (the <c>Gateway</c> section, validated on start, and the <see cref="GatewayIdentity"/>), the
    /// system clock and whether it is NTP-synchronised.
    /// </summary>
    public static IServiceCollection AddGatewayIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddGatewayOptions(configuration);
        services.AddSingleton(sp =>
        {
            var gateway = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return new GatewayIdentity(gateway.SiteId, gateway.GatewayId, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<IClockSync, KernelClockSync>();
        return services;
    }
}
