using EdgeGateway.Core.Health;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Hardware;
using EdgeGateway.Hardware.Board;
using EdgeGateway.Hardware.Sensors;
using EdgeGateway.Mqtt;
using EdgeGateway.Mqtt.Connection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host;

public static class GatewayServices
{
    /// <summary>
    /// The gateway's pipeline, in start order: outbox opened, inputs monitored, then the uplink and downlink.
    /// Hosted services start in registration order and stop in reverse, so the uplink stops before the outbox closes.
    /// </summary>
    public static IServiceCollection AddEdgeGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGatewayEvents(configuration);
        services.AddOptionsWithValidateOnStart<InputsOptions>().Bind(configuration);
        services.AddSingleton<IValidateOptions<InputsOptions>, InputsOptionsValidator>();
        services.AddSingleton<IValidateOptions<InputsOptions>>(new StrictElementsValidator<InputsOptions, InputOptions>(configuration, "Inputs"));
        services.AddOptions<InputMonitorOptions>().Bind(configuration.GetSection("Gpio"));

        services.AddSingleton<LivenessRegistry>();
        services.AddGpioInputs(configuration);
        services.AddSingleton<InputMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<InputMonitor>());

        // Sensors and board health: after the inputs, so their start-up never delays the alarm path.
        services.AddSensors(configuration);
        services.AddBoard(configuration);

        services.AddSingleton<IStatusPayloadSource, StatusPayloadSource>();
        services.AddCenterCommands(configuration);
        services.AddMqttUplink(configuration);
        services.AddHealthReporting(configuration);
        services.AddHostedService<TransportSecurityReport>();
        services.AddGuardFeedback(configuration);

        services.AddSingleton<StatusSocket>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusSocket>());

        // Last to start, first to stop: pings only once everything above has started.
        services.AddSingleton(sp => new SystemdWatchdog(
            WatchdogTiming.FromEnvironment(Environment.GetEnvironmentVariable, Environment.ProcessId),
            sp.GetService<ISystemdNotifier>(),
            sp.GetRequiredService<LivenessRegistry>(),
            () => sp.GetRequiredService<MqttConnection>().IsConnected,
            sp.GetRequiredService<OutboxSignal>().Notify,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SystemdWatchdog>>()));
        services.AddHostedService(sp => sp.GetRequiredService<SystemdWatchdog>());
        return services;
    }
}
