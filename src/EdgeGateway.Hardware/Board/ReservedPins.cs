using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Hardware.Board;

/// <summary>
/// Header pins that have another job on a Raspberry Pi: an input there works only while that function is off, and
/// turning the function on later (an I2C sensor, a 1-Wire probe, a serial console) silently breaks the input.
/// </summary>
public static class ReservedPins
{
    /// <summary>BCM GPIO → its other function.</summary>
    public static IReadOnlyDictionary<int, string> Functions { get; } = new Dictionary<int, string>
    {
        [2] = "I2C1 SDA (sensors; 1.8 kΩ pull-up on the board)",
        [3] = "I2C1 SCL (sensors; 1.8 kΩ pull-up on the board)",
        [4] = "1-Wire (the w1-gpio overlay's default pin, DS18B20)",
        [14] = "UART TXD (serial console)",
        [15] = "UART RXD (serial console)",
    };

    /// <summary>Whether <paramref name="model"/> (from <c>/sys/firmware/devicetree/base/model</c>) is a Raspberry Pi.</summary>
    public static bool IsRaspberryPi(string? model) => model?.StartsWith("Raspberry Pi", StringComparison.Ordinal) == true;

    /// <summary>Each input line (contact or tamper loop) on a reserved pin of a Raspberry Pi; nothing on another board.</summary>
    public static IReadOnlyList<(InputOptions Input, string Function)> Claimed(string? model, IEnumerable<InputOptions> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!IsRaspberryPi(model))
        {
            return [];
        }

        return [.. inputs
            .SelectMany(i => i.TamperLoop() is { } loop ? new[] { i, loop } : [i])
            .Where(i => Functions.ContainsKey(i.Pin))
            .Select(i => (i, Functions[i.Pin]))];
    }
}
