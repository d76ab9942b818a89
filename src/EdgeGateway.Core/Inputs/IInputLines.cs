namespace EdgeGateway.Core.Inputs;

/// <summary>The GPIO seam: contact lines the monitor reads. EdgeGateway.Hardware implements it over System.Device.Gpio.</summary>
public interface IInputLines
{
    /// <summary>
    /// Opens each input's line with its bias and starts edge detection; <paramref name="onEdge"/> gets (pin, level high)
    /// from any thread. Throws if a line cannot be opened.
    /// </summary>
    void Open(IReadOnlyList<InputOptions> inputs, Action<int, bool> onEdge);

    /// <summary>Reads the line's level now (true = high).</summary>
    bool Read(int pin);
}
