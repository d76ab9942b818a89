using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Outbox;

public sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var errors = new ConfigErrors();
        if (options.MaxEntries < 100)
        {
            errors.Add("Outbox:MaxEntries", $"{options.MaxEntries} is below 100");
        }

        if (options.TelemetryTtlHours is < 0 or > 24 * 365)
        {
            errors.Add("Outbox:TelemetryTtlHours", $"{options.TelemetryTtlHours} is outside 0-8760");
        }

        if (options.MaxUnwrittenEntries is < 100 or > 1_000_000)
        {
            errors.Add("Outbox:MaxUnwrittenEntries", $"{options.MaxUnwrittenEntries} is outside 100-1000000");
        }

        if (options.WriteDeadlineMs is < 100 or > 60_000)
        {
            errors.Add("Outbox:WriteDeadlineMs", $"{options.WriteDeadlineMs} is outside 100-60000");
        }

        return errors.ToResult();
    }
}
