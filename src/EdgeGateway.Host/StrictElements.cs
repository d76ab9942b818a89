using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Host;

/// <summary>
/// Binds each element of a configuration array strictly. The binder silently drops a collection element it cannot
/// convert (an unknown enum name, a pin that is not a number) and ignores misspelt keys, so an installer's typo would
/// otherwise just make an input or output vanish.
/// </summary>
internal static class StrictElements
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
}
