using EdgeGateway.Hardware;
using EdgeGateway.Inputs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host;

/// <summary>Checks each raw <c>Inputs</c> element strictly (see <see cref="StrictElements"/>).</summary>
public sealed class InputsConfigurationValidator(IConfiguration configuration) : IValidateOptions<InputsOptions>
{
    public ValidateOptionsResult Validate(string? name, InputsOptions options) => StrictElements.Validate<InputOptions>(configuration, "Inputs");
}
