using EdgeGateway.Hardware;
using EdgeGateway.Outputs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host;

/// <summary>Checks each raw <c>Outputs</c> element strictly: a misspelt <c>Role</c> must not make the sounder vanish.</summary>
public sealed class OutputsConfigurationValidator(IConfiguration configuration) : IValidateOptions<OutputsOptions>
{
    public ValidateOptionsResult Validate(string? name, OutputsOptions options) => StrictElements.Validate<OutputOptions>(configuration, "Outputs");
}
