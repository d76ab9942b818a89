using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Configuration;

/// <summary>
/// Binds each element of a configuration array strictly. The binder silently drops a collection element it cannot
/// convert (an unknown enum name, a pin that is not a number) and ignores misspelt keys, so an installer's typo would
/// otherwise just make an input, sensor or output vanish, or silently drop a setting.
/// </summary>
public static class StrictElements
{
    /// <summary>One failure, naming the element's key, per element of <paramref name="section"/> that does not bind cleanly.</summary>
    public static List<string> Check<TElement>(IConfiguration configuration, string section)
    {
        var failures = new List<string>();
        foreach (var element in configuration.GetSection(section).GetChildren())
        {
            try
            {
                element.Get<TElement>(binder => binder.ErrorOnUnknownConfiguration = true);
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

        return failures;
    }

    /// <summary><see cref="Check{TElement}"/> as an options validation result.</summary>
    public static ValidateOptionsResult Validate<TElement>(IConfiguration configuration, string section) =>
        Check<TElement>(configuration, section) is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
}
