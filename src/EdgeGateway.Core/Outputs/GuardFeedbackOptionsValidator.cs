using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Outputs;

public sealed class GuardFeedbackOptionsValidator : IValidateOptions<GuardFeedbackOptions>
{
    public const int MaxAckTimeoutSeconds = 600;

    public const int MaxAckedIndicationSeconds = 3600;

    public ValidateOptionsResult Validate(string? name, GuardFeedbackOptions options)
    {
        var errors = new ConfigErrors();
        if (options.AckTimeoutSeconds is < 1 or > MaxAckTimeoutSeconds)
        {
            errors.Add($"{GuardFeedbackOptions.Section}:AckTimeoutSeconds", $"{options.AckTimeoutSeconds} is outside 1-{MaxAckTimeoutSeconds}");
        }

        if (options.AckedIndicationSeconds is < 1 or > MaxAckedIndicationSeconds)
        {
            errors.Add($"{GuardFeedbackOptions.Section}:AckedIndicationSeconds", $"{options.AckedIndicationSeconds} is outside 1-{MaxAckedIndicationSeconds}");
        }

        return errors.ToResult();
    }
}
