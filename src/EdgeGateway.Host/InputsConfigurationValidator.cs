using EdgeGateway.Inputs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host;

/// <summary>Checks each raw <c>Inputs</c> element strictly (see <see cref="StrictElements"/>).</summary>
public sealed class InputsConfigurationValidator(IConfiguration configuration) : IValidateOptions<InputsOptions>
{
    public ValidateOptionsResult Validate(string? name, InputsOptions options)
    {
        var failures = StrictElements.Check<InputOptions>(configuration, "Inputs");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
