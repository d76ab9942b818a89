using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Outbox.LiteDb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host;

public static class GatewayEventServices
{
    /// <summary>
    /// Who the gateway is, the event recorder and the outbox (LiteDB, unless an <see cref="IOutboxStore"/> is already
    /// registered), opened by the first hosted service. The gateway minus its inputs and uplink; edge-fleet composes
    /// simulated gateways from this and <c>AddMqttUplink</c>.
    /// </summary>
    public static IServiceCollection AddGatewayEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptionsWithValidateOnStart<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section));
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddSingleton(sp => new GatewayIdentity(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SiteId, sp.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayId, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IClockSync, KernelClockSync>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<UnwrittenEntries>();
        services.AddSingleton<OutboxWriter>();
        services.AddSingleton<EventRecorder>();

        services.AddOptionsWithValidateOnStart<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section));
        services.AddSingleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>();
        services.AddLiteDbOutbox();
        services.AddOptions<LiteDbOutboxOptions>()
            .Configure<IOptions<GatewayOptions>>((outbox, gateway) => outbox.FilePath = Path.Combine(gateway.Value.DataDirectory, "outbox.db"));
        services.AddHostedService<OutboxStarter>();
        return services;
    }
}
