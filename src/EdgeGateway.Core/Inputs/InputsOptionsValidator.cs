using EdgeGateway.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Inputs;

/// <summary>Checks every input and that no two inputs share an id or a pin.</summary>
public sealed class InputsOptionsValidator : IValidateOptions<InputsOptions>
{
    /// <summary>BCM GPIOs brought out on the Raspberry Pi 40-pin header (0 and 1 are the HAT EEPROM bus).</summary>
    public const int FirstHeaderPin = 2;

    public const int LastHeaderPin = 27;

    public ValidateOptionsResult Validate(string? name, InputsOptions options)
    {
        var errors = new ConfigErrors();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var pins = new Dictionary<int, (string Id, int Index)>();
        for (var i = 0; i < options.Inputs.Count; i++)
        {
            var input = options.Inputs[i];
            var key = $"Inputs:{i}";
            errors.RequireTopicSegment($"{key}:Id", input.Id);
            if (input.Pin is < FirstHeaderPin or > LastHeaderPin)
            {
                errors.Add($"{key}:Pin", input.Pin < 0
                    ? "is required"
                    : $"GPIO {input.Pin} does not exist on the Raspberry Pi header (BCM {FirstHeaderPin}-{LastHeaderPin})");
            }
            else if (pins.TryGetValue(input.Pin, out var other))
            {
                errors.Add($"{key}:Pin", $"GPIO {input.Pin} of input '{input.Id}' is already used by input '{other.Id}' (Inputs:{other.Index})");
            }
            else
            {
                pins[input.Pin] = (input.Id, i);
            }

            if (input.Id.Length > 0 && !ids.TryAdd(input.Id, i))
            {
                errors.Add($"{key}:Id", $"'{input.Id}' is already the id of Inputs:{ids[input.Id]}");
            }

            if (input.DebounceMs is < 0 or > 10_000)
            {
                errors.Add($"{key}:DebounceMs", $"{input.DebounceMs} is outside 0-10000");
            }

            if (input.MinActiveMs is < 0 or > 60_000)
            {
                errors.Add($"{key}:MinActiveMs", $"{input.MinActiveMs} is outside 0-60000");
            }

            if (input.Kind == InputKind.Fault)
            {
                errors.Add($"{key}:Kind", "'fault' is reserved for the gateway's own fault events");
            }

            if (input.Kind == InputKind.Panic && input.Latch == false)
            {
                errors.Add($"{key}:Latch", "a panic input must latch until reset (GB 50394)");
            }
        }

        return errors.ToResult();
    }
}
