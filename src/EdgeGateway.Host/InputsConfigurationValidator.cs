using EdgeGateway.Inputs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host;

/// <summary>
/// Checks each raw <c>Inputs</c> element strictly. The binder silently drops a collection element it cannot convert
/// (an unknown <c>Kind</c>, a <c>Pin</c> that is not a number) and ignores misspelt keys, so an installer's typo would
/// otherwise just make an input vanish.
/// </summary>
public sealed class InputsConfigurationValidator(IConfiguration configuration) : IValidateOptions<InputsOptions>
{
    public ValidateOptionsResult Validate(string? name, InputsOptions options)
    {
        var failures = new List<string>();
        foreach (var element in configuration.GetSection("Inputs").GetChildren())
        {
            try
            {
                element.Get<InputOptions>(binder => binder.ErrorOnUnknownConfiguration = true);
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains("were not found", StringComparison.Ordinal))
            {
                // The binder lists them after the last colon: "... were not found on the instance of ...: 'Locaton'".
                failures.Add($"{element.Path}: unknown key {ex.Message[(ex.Message.LastIndexOf(':') + 2)..]}");
            }
            catch (InvalidOperationException ex)
            {
                failures.Add($"{element.Path}: {ex.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
