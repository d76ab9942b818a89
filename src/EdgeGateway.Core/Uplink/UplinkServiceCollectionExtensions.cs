using Microsoft.Extensions.DependencyInjection;

namespace EdgeGateway.Core.Uplink;

public static class UplinkServiceCollectionExtensions
{
    /// <summary>The topic scheme both directions use and what the online status lists. The uplink itself (and its <see cref="IUplinkPath"/>) comes from an adapter.</summary>
    public static IServiceCollection AddTopics(this IServiceCollection services)
    {
        services.AddSingleton<TopicScheme>();
        services.AddSingleton<IStatusPayloadSource, StatusPayloadSource>();
        return services;
    }
}
