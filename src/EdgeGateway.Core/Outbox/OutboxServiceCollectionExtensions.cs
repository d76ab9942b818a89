using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeGateway.Core.Outbox;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Outbox</c> section (validated on start), the <see cref="EventRecorder"/> and the <see cref="OutboxStarter"/>
    /// that opens the store as the first hosted service. The <see cref="IOutboxStore"/> itself comes from an adapter.
    /// </summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<OutboxOptions, OutboxOptionsValidator>(configuration.GetSection(OutboxOptions.Section));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<UnwrittenEntries>();
        services.AddSingleton<OutboxWriter>();
        services.AddSingleton<EventRecorder>();
        services.AddHostedService<OutboxStarter>();
        return services;
    }
}
