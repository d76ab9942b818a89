using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Outbox;

public sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    /// <summary>Ten times the default: about 1 GB on disk (roughly 500 bytes an entry).</summary>
    public const int MaxEntries = 2_000_000;

    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var errors = new ConfigErrors();
        errors.RequireRange("Outbox:MaxEntries", options.MaxEntries, 100, MaxEntries, "about 1 GB of the SD card at the most");
        errors.RequireRange("Outbox:TelemetryTtlHours", options.TelemetryTtlHours, 0, 24 * 365, "0 = never");
        errors.RequireRange("Outbox:MaxUnwrittenEntries", options.MaxUnwrittenEntries, 100, 1_000_000, "about 1 GB of memory at the most");

        if (options.WriteDeadlineMs is < 100 or > 60_000)
        {
            errors.Add("Outbox:WriteDeadlineMs", $"{options.WriteDeadlineMs} is outside 100-60000");
        }

        return errors.ToResult();
    }
}
