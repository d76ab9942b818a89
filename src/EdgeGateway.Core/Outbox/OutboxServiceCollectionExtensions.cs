using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Outbox;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Outbox</c> section (validated on start), the <see cref="EventRecorder"/> and the <see cref="OutboxStarter"/>
    /// that opens the store as the first hosted service. The <see cref="IOutboxStore"/> itself comes from an adapter,
    /// registered after this; <see cref="GuardOutboxStore"/> then wraps it.
    /// </summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<OutboxOptions, OutboxOptionsValidator>(configuration.GetSection(OutboxOptions.Section));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<UnwrittenEntries>();
        services.AddSingleton<StorageHealth>();
        services.AddSingleton<OutboxWriter>();
        services.AddSingleton<EventRecorder>();
        services.AddHostedService<OutboxStarter>();
        return services;
    }

    /// <summary>
    /// Wraps the registered <see cref="IOutboxStore"/> (the adapter's, or one a test registered) in a
    /// <see cref="GuardedOutboxStore"/>, so every caller gets the guarded one. Call after the adapter is added.
    /// </summary>
    public static IServiceCollection GuardOutboxStore(this IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IOutboxStore) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("Register an IOutboxStore before guarding it.");
        services.Remove(registered);
        services.AddSingleton(sp => new GuardedOutboxStore(
            Resolve(sp, registered),
            sp.GetRequiredService<StorageHealth>(),
            sp.GetRequiredService<UnwrittenEntries>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<GuardedOutboxStore>>(),
            sp.GetRequiredService<IOptions<OutboxOptions>>()));
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<GuardedOutboxStore>());
        return services;
    }

    private static IOutboxStore Resolve(IServiceProvider services, ServiceDescriptor registered) =>
        registered.ImplementationInstance as IOutboxStore
        ?? registered.ImplementationFactory?.Invoke(services) as IOutboxStore
        ?? (IOutboxStore)ActivatorUtilities.CreateInstance(services, registered.ImplementationType!);
}
