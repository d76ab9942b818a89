using EdgeGateway.Core.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Configuration;

public static class ConfigurationServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and validates it with
    /// <typeparamref name="TValidator"/> when the host starts, so a bad value stops the gateway before READY, naming the key.
    /// </summary>
    public static IServiceCollection AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptionsWithValidateOnStart<TOptions>().Bind(section);
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services;
    }

    /// <summary>The <c>Gateway</c> section (who this gateway is, where its data lives), validated on start.</summary>
    public static IServiceCollection AddGatewayOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<GatewayOptions, GatewayOptionsValidator>(configuration.GetSection(GatewayOptions.Section));
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
        services.AddSingleton(sp => new ClockSyncDetector(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IClockSync>(sp => sp.GetRequiredService<ClockSyncDetector>());
        return services;
    }
}
