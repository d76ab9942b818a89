using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Health;

/// <summary>The <c>Health</c> section: how often the gateway publishes its health message.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>Seconds between health messages while connected (one is also sent at every connect).</summary>
    /// <value>Default 60 s; 5-3600.</value>
    public int IntervalSeconds { get; set; } = 60;
}

/// <summary>Checks the <c>Health</c> section.</summary>
public sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        var errors = new ConfigErrors();
        if (options.IntervalSeconds is < 5 or > 3600)
        {
            errors.Add("Health:IntervalSeconds", $"{options.IntervalSeconds} is outside 5-3600");
        }

        return errors.ToResult();
    }
}
