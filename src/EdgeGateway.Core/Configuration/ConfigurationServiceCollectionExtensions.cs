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
        services.AddStrictOptions<TOptions>(section);
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services;
    }

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> (the root for a type whose properties are
    /// top-level arrays), validated on start: a key none of its properties takes is refused, naming the key
    /// (<see cref="KnownKeys"/>), and the section counts as known to <see cref="AddKnownSectionsCheck"/>. Add the
    /// type's own validator beside it, or use <see cref="AddValidatedOptions{TOptions, TValidator}"/>.
    /// </summary>
    public static IServiceCollection AddStrictOptions<TOptions>(this IServiceCollection services, IConfiguration section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptionsWithValidateOnStart<TOptions>().Bind(section);
        services.AddSingleton<IValidateOptions<TOptions>>(new KnownKeysValidator<TOptions>(section));
        services.AddSingleton(new ConfigurationBinding((section as IConfigurationSection)?.Path ?? "", typeof(TOptions)));
        return services;
    }

    /// <summary>Marks the top-level <paramref name="section"/> as read as it is by its consumer, so it is not refused as unknown.</summary>
    public static IServiceCollection AddRawConfigurationSection(this IServiceCollection services, string section) =>
        services.AddSingleton(new ConfigurationBinding(section, null));

    /// <summary>
    /// Refuses, on start, every top-level section of <paramref name="root"/> that no options type registered with
    /// <see cref="AddStrictOptions{TOptions}"/> and no <see cref="AddRawConfigurationSection"/> reads (a misspelt
    /// <c>Mqqt</c> would otherwise leave the gateway on defaults). For the host that composes every feature.
    /// </summary>
    public static IServiceCollection AddKnownSectionsCheck(this IServiceCollection services, IConfiguration root)
    {
        services.AddOptionsWithValidateOnStart<KnownSections>();
        services.AddSingleton<IValidateOptions<KnownSections>>(sp => new KnownSectionsValidator(root, sp.GetServices<ConfigurationBinding>()));
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
