using System.Device.Gpio;
using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Hardware;

/// <summary>
/// <see cref="IInputLines"/> over a System.Device.Gpio <see cref="GpioController"/>: each input is opened with its
/// bias and reports both edges. Edges are a hint; <see cref="InputMonitor"/> also polls <see cref="Read"/>.
/// <see cref="Open"/> is all or nothing, so a failed attempt can simply be repeated.
/// </summary>
public sealed class GpioInputLines : IInputLines, IDisposable
{
    private readonly Func<GpioDriver> _driver;
    private readonly bool _shouldDispose;
    private GpioController? _controller;
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
        _driver = () => driver;
        _controller = new GpioController(driver);
        _shouldDispose = shouldDispose;
    }

    /// <param name="driver">
    /// Creates the driver at the first <see cref="Open"/> (and again at the next, if it threw), so a missing libgpiod or
    /// chip is an open failure the monitor retries instead of a host that cannot be built.
    /// </param>
    /// <param name="shouldDispose">As for the other constructor.</param>
    public GpioInputLines(Func<GpioDriver> driver, bool shouldDispose)
    {
        ArgumentNullException.ThrowIfNull(driver);
        _driver = driver;
        _shouldDispose = shouldDispose;
    }

    public void Open(IReadOnlyList<InputOptions> inputs, Action<int, bool> onEdge)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(onEdge);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var controller = _controller ??= new GpioController(_driver());
            var openedBefore = _opened.Count;
            foreach (var input in inputs)
            {
                var mode = ToPinMode(input.Pull);
                PinChangeEventHandler handler = (_, e) => onEdge(e.PinNumber, e.ChangeType == PinEventTypes.Rising);
                try
                {
                    controller.OpenPin(input.Pin, mode);
                    controller.RegisterCallbackForPinValueChangedEvent(input.Pin, PinEventTypes.Rising | PinEventTypes.Falling, handler);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    if (controller.IsPinOpen(input.Pin))
                    {
                        controller.ClosePin(input.Pin);
                    }

                    // All or nothing: the lines this call opened are closed again, so the next attempt starts clean.
                    CloseFrom(controller, openedBefore);
                    throw new InvalidOperationException(
                        $"Cannot open input '{input.Id}' on GPIO {input.Pin} as {mode}: {ex.Message}", ex);
                }

                _opened.Add((input.Pin, handler));
            }
        }
    }

    public bool Read(int pin) =>
        (_controller ?? throw new InvalidOperationException("The input lines are not open")).Read(pin) == PinValue.High;

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_controller is not { } controller)
            {
                return;
            }

            if (_shouldDispose)
            {
                // Closes every pin and disposes the driver.
                controller.Dispose();
                return;
            }

            CloseFrom(controller, 0);
        }
    }

    private void CloseFrom(GpioController controller, int first)
    {
        for (var i = _opened.Count - 1; i >= first; i--)
        {
            var (pin, handler) = _opened[i];
            controller.UnregisterCallbackForPinValueChangedEvent(pin, handler);
            controller.ClosePin(pin);
            _opened.RemoveAt(i);
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
