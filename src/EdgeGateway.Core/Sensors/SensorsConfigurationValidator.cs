using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Sensors;

/// <summary>
/// Checks each raw <c>Sensors</c> element strictly, and that no sensor shares an id with an input. The binder ignores
/// a misspelt key, and a misspelt <c>HighC</c> would silently switch a cold room's alarm off; a sensor and an input
/// with one id would be indistinguishable at the center, where both are the event's <c>input</c>.
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
