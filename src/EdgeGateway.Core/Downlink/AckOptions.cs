using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Downlink;

/// <summary>The <c>Acks</c> section: how long the gateway waits for the center's acknowledgement of an alarm.</summary>
public sealed class AckOptions
{
    public const string Section = "Acks";

    /// <summary>
    /// An alarm the center has not acknowledged this long after the broker's PUBACK is published again; after
    /// another such wait the local escalation (sounder, escalation relay) starts.
    /// </summary>
    /// <value>Default 20 s, the EN 50136-1 category M4 maximum transmission time.</value>
    public int TimeoutSeconds { get; set; } = 20;

    /// <summary>
    /// How long an acknowledged alarm stays known: the status LED is steadily on meanwhile, and a repeated ack is
    /// recognised rather than logged as unknown.
    /// </summary>
    /// <value>Default 30 s.</value>
    public int AckedIndicationSeconds { get; set; } = 30;
}

/// <summary>Checks the <c>Acks</c> section, and refuses the <c>Feedback</c> section its keys moved from.</summary>
public sealed class AckOptionsValidator(IConfiguration configuration) : IValidateOptions<AckOptions>
{
    public const int MaxTimeoutSeconds = 600;

    public const int MaxAckedIndicationSeconds = 3600;

    /// <summary>The section these keys were in before; a config still using it would silently get the defaults.</summary>
    public const string FormerSection = "Feedback";

    public ValidateOptionsResult Validate(string? name, AckOptions options)
    {
        var errors = new ConfigErrors();
        if (options.TimeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            errors.Add($"{AckOptions.Section}:TimeoutSeconds", $"{options.TimeoutSeconds} is outside 1-{MaxTimeoutSeconds}");
        }

        if (options.AckedIndicationSeconds is < 1 or > MaxAckedIndicationSeconds)
        {
            errors.Add($"{AckOptions.Section}:AckedIndicationSeconds", $"{options.AckedIndicationSeconds} is outside 1-{MaxAckedIndicationSeconds}");
        }

        foreach (var key in configuration.GetSection(FormerSection).GetChildren())
        {
            var moved = key.Key == "AckTimeoutSeconds" ? "TimeoutSeconds" : key.Key;
            errors.Add(key.Path, $"has moved to {AckOptions.Section}:{moved}");
        }

        return errors.ToResult();
    }
}
