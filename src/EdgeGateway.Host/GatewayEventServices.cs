using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Outbox.LiteDb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host;

public static class GatewayEventServices
{
    /// <summary>
    /// Who the gateway is, the event recorder and the outbox (LiteDB in <c>{Gateway:DataDirectory}/outbox.db</c>, unless
    /// an <see cref="IOutboxStore"/> is already registered) behind its guard, opened by the first hosted service. The gateway minus its
    /// inputs and uplink; edge-fleet composes simulated gateways from this and the uplink.
    /// </summary>
    public static IServiceCollection AddGatewayEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGatewayIdentity(configuration);
        services.AddOutbox(configuration);
        services.AddLiteDbOutbox();
        services.GuardOutboxStore();
        services.AddOptions<LiteDbOutboxOptions>()
            .Configure<IOptions<GatewayOptions>>((outbox, gateway) => outbox.FilePath = Path.Combine(gateway.Value.DataDirectory, "outbox.db"));
        return services;
    }
}
