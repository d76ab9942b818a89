using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Cli;

/// <summary>Turns configuration exceptions into the lines an installer reads; exit code 78 (EX_CONFIG).</summary>
public static class ConfigProblems
{
    public const int ExitCode = 78;

    /// <summary>The problems in <paramref name="exception"/>, or null when it is not a configuration problem.</summary>
    public static IReadOnlyList<string>? From(Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate when aggregate.InnerExceptions.All(e => From(e) is not null) =>
            aggregate.InnerExceptions.SelectMany(e => From(e)!).ToList(),
        // The binder names the key: "Failed to convert configuration value at 'Inputs:0:Kind' to type ...".
        InvalidOperationException binder when binder.Message.Contains("configuration value", StringComparison.Ordinal) => [binder.Message],
        FileNotFoundException missing => [$"config file: {missing.Message}"],
        InvalidDataException badJson => [$"config file: {badJson.Message} {badJson.InnerException?.Message}"],
        _ => null,
    };

    public static int Report(IReadOnlyList<string> problems, TextWriter error)
    {
        error.WriteLine($"edge-gateway: configuration is not valid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):");
        foreach (var problem in problems)
        {
            error.WriteLine($"  {problem}");
        }

        return ExitCode;
    }
}
