using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Patrol;

public static class PatrolServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Patrol</c> section (validated on start against the <c>Inputs</c>) and the <see cref="PatrolWatch"/> hosted
    /// service. Needs the inputs (<c>AddInputs</c>) and the outbox's <see cref="Outbox.EventRecorder"/>.
    /// </summary>
    public static IServiceCollection AddPatrol(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<PatrolOptions, PatrolOptionsValidator>(configuration.GetSection(PatrolOptions.Section));
        services.AddSingleton<IValidateOptions<PatrolOptions>>(new StrictElementsValidator<PatrolOptions, PatrolRoundOptions>(configuration.GetSection(PatrolOptions.Section), "Rounds"));
        services.AddSingleton<PatrolWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<PatrolWatch>());
        return services;
    }
}
