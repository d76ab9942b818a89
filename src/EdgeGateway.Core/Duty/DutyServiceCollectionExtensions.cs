using Microsoft.Extensions.DependencyInjection;

namespace EdgeGateway.Core.Duty;

public static class DutyServiceCollectionExtensions
{
    /// <summary>
    /// The <see cref="DutyWatch"/> hosted service over the <c>duty</c> inputs (their options are the <c>Inputs</c>
    /// array's, validated there). Needs the inputs (<c>AddInputs</c>) and the outbox's <see cref="Outbox.EventRecorder"/>;
    /// uses the <see cref="Outputs.LocalEscalation"/> when the guard feedback is added.
    /// </summary>
    public static IServiceCollection AddDutyCheckIns(this IServiceCollection services)
    {
        services.AddSingleton<DutyWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<DutyWatch>());
        return services;
    }
}
