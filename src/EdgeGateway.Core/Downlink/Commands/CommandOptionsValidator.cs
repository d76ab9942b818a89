using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Downlink.Commands;

public sealed class CommandOptionsValidator : IValidateOptions<CommandOptions>
{
    public ValidateOptionsResult Validate(string? name, CommandOptions options)
    {
        var errors = new ConfigErrors();
        RequireRange(errors, "MaxPayloadBytes", options.MaxPayloadBytes, 256, 256 * 1024);
        RequireRange(errors, "MaxAgeSeconds", options.MaxAgeSeconds, 5, 86_400);
        RequireRange(errors, "TestModeMaxSeconds", options.TestModeMaxSeconds, 60, 6 * 3600);
        RequireRange(errors, "TestModeDefaultSeconds", options.TestModeDefaultSeconds, 60, Math.Max(60, options.TestModeMaxSeconds));
        RequireRange(errors, "TestModePanicHoldSeconds", options.TestModePanicHoldSeconds, 2, 60);
        RequireRange(errors, "RememberedIds", options.RememberedIds, 16, 4096);
        RequireRange(errors, "RememberedIdHours", options.RememberedIdHours, 1, 168);
        RequireRange(errors, "QueueCapacity", options.QueueCapacity, 1, 1024);
        RequireRange(errors, "MaxPerMinute", options.MaxPerMinute, 1, 6000);
        return errors.ToResult();
    }

    private static void RequireRange(ConfigErrors errors, string key, int value, int min, int max) =>
        errors.RequireRange($"{CommandOptions.Section}:{key}", value, min, max);
}
