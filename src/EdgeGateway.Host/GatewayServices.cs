using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Core.Duty;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Patrol;
using EdgeGateway.Core.Sensors;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Hardware;
using EdgeGateway.Hardware.Board;
using EdgeGateway.Hardware.Sensors;
using EdgeGateway.Host.Metrics;
using EdgeGateway.Mqtt;
using EdgeGateway.Mqtt.Connection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Host;

public static class GatewayServices
{
    /// <summary>
    /// The gateway's pipeline, in start order: outbox opened, inputs monitored, then the uplink and downlink.
    /// Hosted services start in registration order and stop in reverse, so the uplink stops before the outbox closes.
    /// Each feature registers itself (Core's folders, then the adapter for it); this only composes them.
    /// </summary>
    public static IServiceCollection AddEdgeGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGatewayEvents(configuration);
        services.AddGpioInputs(configuration);
        services.AddInputs(configuration);
        services.AddPatrol(configuration);
        services.AddDutyCheckIns();

        // Sensors and board health: after the inputs, so their start-up never delays the alarm path.
        services.AddSensors(configuration);
        services.AddSensorReaders();
        services.AddBoard();
        services.AddHealth(configuration);

        services.AddTopics();
        services.AddAcknowledgements(configuration);
        services.AddCommands(configuration);
        services.AddCenterCommands();
        services.AddMqttUplink(configuration);
        services.AddHealthReporting();
        services.AddHostedService<TransportSecurityReport>();
        services.AddGuardFeedback(configuration);
        services.AddGpioOutputs();

        services.AddSingleton<StatusSocket>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusSocket>());
        services.AddMetricsEndpoint(configuration);

        // Last to start, first to stop: pings only once everything above has started.
        services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IUplinkPath>();
            return new SystemdWatchdog(
                WatchdogTiming.FromEnvironment(Environment.GetEnvironmentVariable, Environment.ProcessId),
                sp.GetService<ISystemdNotifier>(),
                sp.GetRequiredService<LivenessRegistry>(),
                sp.GetRequiredService<LoopSupervision>(),
                () => path.IsUp,
                sp.GetRequiredService<OutboxSignal>().Notify,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<SystemdWatchdog>>());
        });
        services.AddHostedService(sp => sp.GetRequiredService<SystemdWatchdog>());
        return services;
    }
}
