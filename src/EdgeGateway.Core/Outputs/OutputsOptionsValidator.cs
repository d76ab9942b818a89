using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Sensors;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Outputs;

/// <summary>
/// Checks every output: unique id, a BCM pin 0-27 that no input (contact or tamper loop), sensor bus (I2C1 on 2/3,
/// 1-Wire on 4) or other output uses. Driving a line that an input reads would fake or mask alarms.
/// </summary>
public sealed class OutputsOptionsValidator(IOptions<InputsOptions> inputs, IOptions<SensorsOptions> sensors) : IValidateOptions<OutputsOptions>
{
    public const int LastPin = 27;

    private const int I2c1Sda = 2;
    private const int I2c1Scl = 3;
    private const int OneWire = 4;

    public ValidateOptionsResult Validate(string? name, OutputsOptions options)
    {
        var errors = new ConfigErrors();
        var taken = PinsInUse();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < options.Outputs.Count; i++)
        {
            var output = options.Outputs[i];
            var key = $"Outputs:{i}";
            errors.RequireTopicSegment($"{key}:Id", output.Id);
            if (output.Id.Length > 0 && !ids.TryAdd(output.Id, i))
            {
                errors.Add($"{key}:Id", $"'{output.Id}' is already the id of Outputs:{ids[output.Id]}");
            }

            if (!Enum.IsDefined(output.Role))
            {
                errors.Add($"{key}:Role", $"'{output.Role}' is not one of {string.Join(", ", Enum.GetNames<OutputRole>())}");
            }

            if (output.Pin is < 0 or > LastPin)
            {
                errors.Add($"{key}:Pin", output.Pin < 0 ? "is required" : $"GPIO {output.Pin} does not exist on the Raspberry Pi header (BCM 0-{LastPin})");
            }
            else if (taken.TryGetValue(output.Pin, out var user))
            {
                errors.Add($"{key}:Pin", $"GPIO {output.Pin} of output '{output.Id}' is already used by {user}");
            }
            else
            {
                taken[output.Pin] = $"output '{output.Id}' ({key})";
            }
        }

        return errors.ToResult();
    }

    private Dictionary<int, string> PinsInUse()
    {
        var taken = new Dictionary<int, string>();
        var inputList = inputs.Value.Inputs;
        for (var i = 0; i < inputList.Count; i++)
        {
            taken.TryAdd(inputList[i].Pin, $"input '{inputList[i].Id}' (Inputs:{i})");
            if (inputList[i].TamperPin is { } tamper)
            {
                taken.TryAdd(tamper, $"input '{inputList[i].Id}' (Inputs:{i}:TamperPin)");
            }
        }

        var sensorList = sensors.Value.Sensors;
        for (var i = 0; i < sensorList.Count; i++)
        {
            var user = $"sensor '{sensorList[i].Id}' (Sensors:{i})";
            if (sensorList[i].Type == SensorOptions.Ds18b20)
            {
                taken.TryAdd(OneWire, $"{user}, 1-Wire");
            }
            else if (sensorList[i].Bus == 1)
            {
                taken.TryAdd(I2c1Sda, $"{user}, I2C1 SDA");
                taken.TryAdd(I2c1Scl, $"{user}, I2C1 SCL");
            }
        }

        return taken;
    }
}
