using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Configuration;

/// <summary>Collects validation failures, each naming the configuration key it is about.</summary>
public sealed class ConfigErrors
{
    private readonly List<string> _errors = [];

    public void Add(string key, string problem) => _errors.Add($"{key}: {problem}");

    public void RequireTopicSegment(string key, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(key, "is required");
        }
        else if (!IsTopicSegment(value))
        {
            Add(key, $"'{value}' may contain only lower-case letters, digits, '-' and '_'");
        }
    }

    public ValidateOptionsResult ToResult() =>
        _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);

    public static bool IsTopicSegment(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');
}
