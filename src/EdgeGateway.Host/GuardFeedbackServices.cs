using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Hardware;
using EdgeGateway.Mqtt.Connection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host;

public static class GuardFeedbackServices
{
    /// <summary>
    /// What the guard sees and hears of the center loop: the <c>Feedback</c> timeouts and the <c>Outputs</c> array
    /// (validated on start), the GPIO output lines, the status LED and the local escalation (also, when a
    /// <c>Sounder</c> output is configured, the <see cref="ILocalSounder"/> the <c>silence</c> command uses). Needs the GPIO driver and the MQTT uplink.
    /// </summary>
    public static IServiceCollection AddGuardFeedback(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<GuardFeedbackOptions>().Bind(configuration.GetSection(GuardFeedbackOptions.Section));
        services.AddSingleton<IValidateOptions<GuardFeedbackOptions>, GuardFeedbackOptionsValidator>();
        services.AddOptionsWithValidateOnStart<OutputsOptions>().Bind(configuration);
        services.AddSingleton<IValidateOptions<OutputsOptions>, OutputsOptionsValidator>();
        services.AddSingleton<IValidateOptions<OutputsOptions>>(new StrictElementsValidator<OutputsOptions, OutputOptions>(configuration, "Outputs"));
        services.AddGpioOutputs();
        services.AddSingleton(sp => new StatusLed(
            sp.GetRequiredService<IOutputLines>(),
            sp.GetRequiredService<CenterAcknowledgements>(),
            () => sp.GetRequiredService<MqttConnection>().IsConnected,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<StatusLed>>()));
        services.AddSingleton<LocalEscalation>();
        // Without a sounder output there is nothing to silence: the silence command answers that it has no hardware for it.
        if (configuration.Get<OutputsOptions>()?.Outputs.Any(o => o.Role == OutputRole.Sounder) == true)
        {
            services.AddSingleton<ILocalSounder>(sp => sp.GetRequiredService<LocalEscalation>());
        }
        services.AddHostedService<GuardFeedback>();
        return services;
    }
}
