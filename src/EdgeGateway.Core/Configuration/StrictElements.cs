using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Configuration;

/// <summary>
/// Binds each element of a configuration array on its own. The binder silently drops a collection element it cannot
/// convert (an unknown enum name, a pin that is not a number), so an installer's typo would otherwise just make an
/// input, sensor or output vanish. Misspelt keys are <see cref="KnownKeys"/>' part.
/// </summary>
public static class StrictElements
{
    /// <summary>One failure, naming the element's key, per element of <paramref name="section"/> that does not bind.</summary>
    public static List<string> Check<TElement>(IConfiguration configuration, string section)
    {
        var failures = new List<string>();
        foreach (var element in configuration.GetSection(section).GetChildren())
        {
            try
            {
                element.Get<TElement>();
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
