using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Outbox.LiteDb;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers <see cref="LiteDbOutboxStore"/> as the singleton <see cref="IOutboxStore"/>. Needs <see cref="GatewayIdentity"/> and logging.</summary>
    public static IServiceCollection AddLiteDbOutbox(this IServiceCollection services, Action<LiteDbOutboxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<LiteDbOutboxOptions>();
        services.AddOptions<OutboxOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        // A factory picks the options constructor; the test constructor takes a plain path.
        services.TryAddSingleton(sp => new LiteDbOutboxStore(
            sp.GetRequiredService<IOptions<LiteDbOutboxOptions>>(),
            sp.GetRequiredService<IOptions<OutboxOptions>>(),
            sp.GetRequiredService<GatewayIdentity>(),
            sp.GetRequiredService<ILogger<LiteDbOutboxStore>>()));
        services.TryAddSingleton<IOutboxStore>(sp => sp.GetRequiredService<LiteDbOutboxStore>());
        return services;
    }
}
