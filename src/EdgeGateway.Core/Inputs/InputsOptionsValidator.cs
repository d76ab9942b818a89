using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Inputs;

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
        var pins = new Dictionary<int, (string Id, string Key)>();
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
            else
            {
                ClaimPin(errors, pins, $"{key}:Pin", input.Pin, input.Id, key);
            }

            if (input.TamperPin is { } tamperPin)
            {
                if (tamperPin is < FirstHeaderPin or > LastHeaderPin)
                {
                    errors.Add($"{key}:TamperPin", $"GPIO {tamperPin} does not exist on the Raspberry Pi header (BCM {FirstHeaderPin}-{LastHeaderPin})");
                }
                else
                {
                    ClaimPin(errors, pins, $"{key}:TamperPin", tamperPin, input.Id, $"{key}:TamperPin");
                }
            }

            if (input.Kind is EventKind.Temperature or EventKind.Telemetry)
            {
                errors.Add($"{key}:Kind", $"'{input.Kind.ToString().ToLowerInvariant()}' is reserved for the gateway's own sensor events");
            }

            if (input.Kind == EventKind.Patrol)
            {
                errors.Add($"{key}:Kind", "'patrol' is reserved for the gateway's own round events (wire a round's points as 'checkpoint')");
            }

            if (input.CheckInIntervalSeconds is < 10 or > 86_400)
            {
                errors.Add($"{key}:CheckInIntervalSeconds", $"{input.CheckInIntervalSeconds} is outside 10-86400");
            }

            if (input.Kind is EventKind.Checkpoint or EventKind.Duty && input.Latch == true)
            {
                errors.Add($"{key}:Latch", $"a {input.Kind.ToString().ToLowerInvariant()} input reports each press: it cannot latch");
            }

            // 1 would turn every first activation into a fault: the input could never report anything.
            if (input.MaxActivations is < 0 or 1 or > 1000)
            {
                errors.Add($"{key}:MaxActivations", $"{input.MaxActivations} is not 0 (off) or 2-1000");
            }

            if (input.SwingerWindowSeconds is < 1 or > 3600)
            {
                errors.Add($"{key}:SwingerWindowSeconds", $"{input.SwingerWindowSeconds} is outside 1-3600");
            }

            if (input.SwingerQuietSeconds is < 1 or > 86_400)
            {
                errors.Add($"{key}:SwingerQuietSeconds", $"{input.SwingerQuietSeconds} is outside 1-86400");
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

            if (input.Kind == EventKind.Fault)
            {
                errors.Add($"{key}:Kind", "'fault' is reserved for the gateway's own fault events");
            }

            if (input.Kind == EventKind.Panic && input.Latch == false)
            {
                errors.Add($"{key}:Latch", "a panic input must latch until reset (GB 50394)");
            }
        }

        return errors.ToResult();
    }

    /// <summary>Records that <paramref name="ownerKey"/> (an input's pin or tamper pin) uses <paramref name="pin"/>, or reports the clash.</summary>
    private static void ClaimPin(ConfigErrors errors, Dictionary<int, (string Id, string Key)> pins, string key, int pin, string id, string ownerKey)
    {
        if (pins.TryGetValue(pin, out var other))
        {
            errors.Add(key, $"GPIO {pin} of input '{id}' is already used by input '{other.Id}' ({other.Key})");
        }
        else
        {
            pins[pin] = (id, ownerKey);
        }
    }
}
