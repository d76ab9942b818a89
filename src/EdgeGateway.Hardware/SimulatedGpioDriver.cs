using System.Device.Gpio;

namespace EdgeGateway.Hardware;

/// <summary>
/// An in-memory GPIO driver with BCM pins 0-27, for demos and tests without a Raspberry Pi.
/// An input line idles at the level its bias gives (pull-up or none: high, pull-down: low) until
/// <see cref="SetInputLevel"/> drives it; output lines read back what was written, and writes are counted
/// (<see cref="WriteCount"/>). Thread-safe.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    public const int SimulatedPinCount = 28;

    private readonly Lock _lock = new();
    private readonly PinState[] _pins = [.. Enumerable.Range(0, SimulatedPinCount).Select(_ => new PinState())];
    private readonly List<Waiter> _waiters = [];

    protected override int PinCount => SimulatedPinCount;

    /// <summary>
    /// Drives an input line from outside (a button press, a jumper) and raises the matching edge callbacks
    /// if the level changes. Callbacks run on the caller's thread, after the level is visible to <see cref="Read"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The pin is not 0-27.</exception>
    /// <exception cref="InvalidOperationException">The pin is an output; the gateway drives it.</exception>
    public void SetInputLevel(int pin, bool high)
    {
        CheckPin(pin);
        PinChangeEventHandler[] callbacks;
        PinEventTypes edge;
        lock (_lock)
        {
            var state = _pins[pin];
            if (state.Mode == PinMode.Output)
            {
                throw new InvalidOperationException($"GPIO {pin} is an output; only its writer sets its level");
            }

            var before = state.InputLevel;
            state.DrivenLevel = high;
            if (before == high)
            {
                return;
            }

            edge = high ? PinEventTypes.Rising : PinEventTypes.Falling;
            callbacks = [.. state.Callbacks.Where(c => (c.Events & edge) != 0).Select(c => c.Handler)];
        }

        // Outside the lock: a callback may read the pin or drive another one.
        var args = new PinValueChangedEventArgs(edge, pin);
        foreach (var callback in callbacks)
        {
            callback(this, args);
        }
    }

    /// <summary>
    /// Wires a contact at rest: sets the level of an input nobody has driven yet. A level already driven (a press
    /// that came through the socket first) stays, so no press is lost to start-up order.
    /// </summary>
    public void SetRestLevel(int pin, bool high)
    {
        CheckPin(pin);
        lock (_lock)
        {
            if (_pins[pin].DrivenLevel is not null)
            {
                return;
            }
        }

        SetInputLevel(pin, high);
    }

    /// <summary>The level a pin reads now (true = high), whatever its mode.</summary>
    public bool GetLevel(int pin)
    {
        CheckPin(pin);
        lock (_lock)
        {
            return _pins[pin].Level;
        }
    }

    /// <summary>
    /// How many times the gateway has written line <paramref name="pin"/> (an output's history in one number: a
    /// blinking LED counts up, a steady one does not).
    /// </summary>
    public long WriteCount(int pin)
    {
        CheckPin(pin);
        lock (_lock)
        {
            return _pins[pin].Writes;
        }
    }

    public override GpioChipInfo GetChipInfo() => new(0, "gpio-sim", "EdgeGateway simulated GPIO", SimulatedPinCount);

    protected override void OpenPin(int pinNumber)
    {
        CheckPin(pinNumber);
        // Nothing to reserve: every simulated line exists and keeps its state whether open or not.
    }

    protected override void ClosePin(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (_lock)
        {
            // Like a released line request: edge callbacks go, the wire keeps its level.
            _pins[pinNumber].Callbacks.Clear();
            _waiters.RemoveAll(w => w.Pin == pinNumber && w.Completion.TrySetCanceled());
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        CheckPin(pinNumber);
        if (!IsPinModeSupported(pinNumber, mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "the simulated driver supports Input, InputPullUp, InputPullDown and Output");
        }

        lock (_lock)
        {
            _pins[pinNumber].Mode = mode;
        }
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (_lock)
        {
            return _pins[pinNumber].Mode;
        }
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown or PinMode.Output;

    protected override PinValue Read(int pinNumber) => GetLevel(pinNumber) ? PinValue.High : PinValue.Low;

    protected override void Write(int pinNumber, PinValue value)
    {
        CheckPin(pinNumber);
        lock (_lock)
        {
            // Kept whatever the mode, as hardware latches the output register, so a later switch to output drives it.
            _pins[pinNumber].OutputLevel = value == PinValue.High;
            _pins[pinNumber].Writes++;
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        WaitForEventAsync(pinNumber, eventTypes, cancellationToken).AsTask().GetAwaiter().GetResult();

    protected override async ValueTask<WaitForEventResult> WaitForEventAsync(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        CheckPin(pinNumber);
        var waiter = new Waiter(pinNumber);
        PinChangeEventHandler handler = (_, e) => waiter.Completion.TrySetResult(e.ChangeType);
        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, handler);
        lock (_lock)
        {
            _waiters.Add(waiter);
        }

        try
        {
            var edge = await waiter.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new WaitForEventResult { EventTypes = edge, TimedOut = false };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || waiter.Completion.Task.IsCanceled)
        {
            // The GpioDriver contract reports a cancelled wait as a timeout, not as an exception.
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, handler);
            lock (_lock)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        CheckPin(pinNumber);
        ArgumentNullException.ThrowIfNull(callback);
        lock (_lock)
        {
            _pins[pinNumber].Callbacks.Add((eventTypes, callback));
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        CheckPin(pinNumber);
        lock (_lock)
        {
            _pins[pinNumber].Callbacks.RemoveAll(c => c.Handler == callback);
        }
    }

    private static void CheckPin(int pin)
    {
        if (pin is < 0 or >= SimulatedPinCount)
        {
            throw new ArgumentOutOfRangeException(nameof(pin), pin, $"the simulator has GPIO 0-{SimulatedPinCount - 1}");
        }
    }

    private sealed class Waiter(int pin)
    {
        public int Pin { get; } = pin;

        public TaskCompletionSource<PinEventTypes> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class PinState
    {
        public PinMode Mode { get; set; } = PinMode.Input;

        /// <summary>Set once something outside drives the line; until then the bias decides.</summary>
        public bool? DrivenLevel { get; set; }

        public bool OutputLevel { get; set; }

        public long Writes { get; set; }

        public List<(PinEventTypes Events, PinChangeEventHandler Handler)> Callbacks { get; } = [];

        /// <summary>Floating (no bias) reads high: <see cref="EdgeGateway.Core.Inputs.PullMode.None"/> assumes an external pull-up.</summary>
        public bool InputLevel => DrivenLevel ?? Mode != PinMode.InputPullDown;

        public bool Level => Mode == PinMode.Output ? OutputLevel : InputLevel;
    }
}
