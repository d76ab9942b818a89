using System.Device.Gpio;
using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Hardware;

/// <summary>
/// <see cref="IInputLines"/> over a System.Device.Gpio <see cref="GpioController"/>: each input is opened with its
/// bias and reports both edges. Edges are a hint; <see cref="InputMonitor"/> also polls <see cref="Read"/>.
/// </summary>
public sealed class GpioInputLines : IInputLines, IDisposable
{
    private readonly GpioController _controller;
    private readonly bool _shouldDispose;
    private readonly Lock _lock = new();
    private readonly List<(int Pin, PinChangeEventHandler Handler)> _opened = [];
    private bool _disposed;

    /// <param name="driver">The driver for the lines: libgpiod on a Pi, <see cref="SimulatedGpioDriver"/> elsewhere.</param>
    /// <param name="shouldDispose">
    /// True to dispose the driver with this instance. False when someone else owns it (the DI container, or the
    /// simulator socket sharing it), in which case only the pins opened here are closed.
    /// </param>
    public GpioInputLines(GpioDriver driver, bool shouldDispose = true)
    {
        ArgumentNullException.ThrowIfNull(driver);
        _controller = new GpioController(driver);
        _shouldDispose = shouldDispose;
    }

    public void Open(IReadOnlyList<InputOptions> inputs, Action<int, bool> onEdge)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(onEdge);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var input in inputs)
            {
                var mode = ToPinMode(input.Pull);
                PinChangeEventHandler handler = (_, e) => onEdge(e.PinNumber, e.ChangeType == PinEventTypes.Rising);
                try
                {
                    _controller.OpenPin(input.Pin, mode);
                    _controller.RegisterCallbackForPinValueChangedEvent(input.Pin, PinEventTypes.Rising | PinEventTypes.Falling, handler);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    if (_controller.IsPinOpen(input.Pin))
                    {
                        _controller.ClosePin(input.Pin);
                    }

                    throw new InvalidOperationException(
                        $"Cannot open input '{input.Id}' on GPIO {input.Pin} as {mode}: {ex.Message}", ex);
                }

                _opened.Add((input.Pin, handler));
            }
        }
    }

    public bool Read(int pin) => _controller.Read(pin) == PinValue.High;

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_shouldDispose)
            {
                // Closes every pin and disposes the driver.
                _controller.Dispose();
                return;
            }

            foreach (var (pin, handler) in _opened)
            {
                _controller.UnregisterCallbackForPinValueChangedEvent(pin, handler);
                _controller.ClosePin(pin);
            }

            _opened.Clear();
        }
    }

    /// <summary>The line mode for a bias; <see cref="PullMode.None"/> relies on an external resistor.</summary>
    public static PinMode ToPinMode(PullMode pull) => pull switch
    {
        PullMode.Up => PinMode.InputPullUp,
        PullMode.Down => PinMode.InputPullDown,
        PullMode.None => PinMode.Input,
        _ => throw new ArgumentOutOfRangeException(nameof(pull), pull, null),
    };
}
