using System.Globalization;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Configuration;

/// <summary>Collects validation failures, each naming the configuration key it is about.</summary>
public sealed class ConfigErrors
{
    private readonly List<string> _errors = [];

    public void Add(string key, string problem) => _errors.Add($"{key}: {problem}");

    /// <summary>Adds "<c>{value} is outside {min}-{max}</c>" (and <paramref name="why"/>) unless the value is in the range.</summary>
    public void RequireRange(string key, long value, long min, long max, string? why = null)
    {
        if (value < min || value > max)
        {
            Add(key, string.Create(CultureInfo.InvariantCulture, $"{value} is outside {min}-{max}{Why(why)}"));
        }
    }

    /// <summary>As <see cref="RequireRange(string, long, long, long, string?)"/>; NaN and infinities are never in range.</summary>
    public void RequireRange(string key, double value, double min, double max, string? why = null)
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            Add(key, string.Create(CultureInfo.InvariantCulture, $"{value} is outside {min}-{max}{Why(why)}"));
        }
    }

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

    private static string Why(string? why) => why is null ? "" : $" ({why})";

    public static bool IsTopicSegment(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');
}
