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
}
