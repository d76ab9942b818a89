using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Inputs;

public static class InputsServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Inputs</c> array and the <c>Gpio</c> section (validated on start) and the <see cref="InputMonitor"/>
    /// hosted service. The <see cref="IInputLines"/> it reads come from the hardware adapter.
    /// </summary>
    public static IServiceCollection AddInputs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddInputOptions(configuration);
        services.TryAddSingleton<LivenessRegistry>();
        services.AddSingleton<InputMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<InputMonitor>());
        return services;
    }

    /// <summary>Only the <c>Inputs</c> array and the <c>Gpio</c> section, each bound once and validated on start.</summary>
    public static IServiceCollection AddInputOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<InputsOptions, InputsOptionsValidator>(configuration);
        services.AddSingleton<IValidateOptions<InputsOptions>>(new StrictElementsValidator<InputsOptions, InputOptions>(configuration, "Inputs"));
        services.AddValidatedOptions<GpioOptions, GpioOptionsValidator>(configuration.GetSection(GpioOptions.Section));
        return services;
    }
}
