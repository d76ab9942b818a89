using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Hardware;

/// <summary>
/// The simulated lines as if each contact were wired and at rest: an NC contact holds its line at the inactive
/// level from the start, so a simulated gateway does not boot into a door-open or intrusion alarm.
/// </summary>
public sealed class SimulatedInputLines(SimulatedGpioDriver driver, IInputLines lines) : IInputLines, IDisposable
{
    public void Open(IReadOnlyList<InputOptions> inputs, Action<int, bool> onEdge)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var input in inputs)
        {
            driver.SetRestLevel(input.Pin, !input.ActiveHigh);
        }

        lines.Open(inputs, onEdge);
    }

    public bool Read(int pin) => lines.Read(pin);

    public void Dispose() => (lines as IDisposable)?.Dispose();
}
