using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Configuration;

/// <summary>Validates <typeparamref name="TOptions"/> by binding each raw element of its array section on its own (<see cref="StrictElements"/>).</summary>
public sealed class StrictElementsValidator<TOptions, TElement>(IConfiguration configuration, string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) => StrictElements.Validate<TElement>(configuration, section);
}
