using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Sensors;

/// <summary>
/// Checks that each raw <c>Sensors</c> element binds (the binder drops one it cannot convert; misspelt keys, such as a
/// <c>HighC</c> that would silently switch a cold room's alarm off, are <see cref="KnownKeys"/>' part), and that no
/// sensor shares an id with an input: both would be the event's <c>input</c>, indistinguishable at the center.
/// </summary>
public sealed class SensorsConfigurationValidator(IConfiguration configuration) : IValidateOptions<SensorsOptions>
{
    public ValidateOptionsResult Validate(string? name, SensorsOptions options)
    {
        var failures = StrictElements.Check<SensorOptions>(configuration, "Sensors");
        var inputIds = configuration.GetSection("Inputs").GetChildren()
            .Select(i => i["Id"])
            .Where(id => !string.IsNullOrEmpty(id))
            .ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < options.Sensors.Count; i++)
        {
            if (inputIds.Contains(options.Sensors[i].Id))
            {
                failures.Add($"Sensors:{i}:Id: '{options.Sensors[i].Id}' is already the id of an input");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
