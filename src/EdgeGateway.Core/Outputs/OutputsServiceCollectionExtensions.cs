using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Core.Uplink;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Outputs;

public static class OutputsServiceCollectionExtensions
{
    /// <summary>
    /// What the guard sees and hears of the center loop: the <c>Outputs</c> array (validated on start), the status LED
    /// and the local escalation (also, when a <c>Sounder</c> output is configured, the <see cref="ILocalSounder"/> the
    /// <c>silence</c> command uses), run by the <see cref="GuardFeedback"/> hosted service. Needs the
    /// <see cref="IOutputLines"/> from the hardware adapter, <see cref="CenterAcknowledgements"/> and an <see cref="IUplinkPath"/>.
    /// </summary>
    public static IServiceCollection AddGuardFeedback(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<OutputsOptions, OutputsOptionsValidator>(configuration);
        services.AddSingleton<IValidateOptions<OutputsOptions>>(new StrictElementsValidator<OutputsOptions, OutputOptions>(configuration, "Outputs"));
        services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IUplinkPath>();
            return new StatusLed(
                sp.GetRequiredService<IOutputLines>(),
                sp.GetRequiredService<CenterAcknowledgements>(),
                () => path.IsUp,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<StatusLed>>(),
                sp.GetService<TestModeSwitch>());
        });
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
