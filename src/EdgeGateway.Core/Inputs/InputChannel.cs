using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Inputs;

/// <summary>
/// Turns raw line levels into debounced, glitch-filtered, latched input states.
/// Pure logic on a monotonic clock: the caller feeds observations and asks for transitions.
/// </summary>
public sealed class InputChannel
{
    private readonly TimeSpan _debounce;
    private readonly TimeSpan _activeHold;
    private bool? _rawActive;
    private TimeSpan _rawSince;
    // Volatile: the test-mode panic hold reads it from its timer (IsHeld); everything else is the monitor loop's.
    private volatile bool _stableActive;
    private bool _reportedActive;
    private bool _resetRequested;

    public InputChannel(InputOptions options)
    {
        Options = options;
        _debounce = TimeSpan.FromMilliseconds(options.DebounceMs);
        _activeHold = TimeSpan.FromMilliseconds(Math.Max(options.DebounceMs, options.MinActiveMs));
    }

    public InputOptions Options { get; }

    /// <summary>This input's transition to <paramref name="state"/> as an event to record.</summary>
    public NewEvent EventOf(EventState state) => new(Options.Id, Options.Kind, state, Options.Location);

    /// <summary>
    /// Debounced activations seen so far, latched or not: the swinger guard counts these, since a latched input
    /// reports only its first activation.
    /// </summary>
    public long Activations { get; private set; }

    /// <summary>True while the input is reported active (including while latched).</summary>
    public bool IsActive => _reportedActive;

    /// <summary>True while the contact itself is active (debounced): a button held down now, not just latched.</summary>
    public bool IsHeld => _stableActive;

    /// <summary>Records the raw line level seen at <paramref name="now"/> (an edge or a periodic read).</summary>
    public void Observe(bool rawHigh, TimeSpan now)
    {
        var active = rawHigh == Options.ActiveHigh;
        if (_rawActive != active)
        {
            _rawActive = active;
            _rawSince = now;
        }
    }

    /// <summary>When <see cref="Evaluate"/> may next produce a transition without a new observation.</summary>
    public TimeSpan? NextDeadline => _rawActive is { } raw && raw != _stableActive
        ? _rawSince + (raw ? _activeHold : _debounce)
        : null;

    /// <summary>Applies debounce, minimum active time and latch; returns the transition to report, if any.</summary>
    public EventState? Evaluate(TimeSpan now)
    {
        if (_rawActive is { } raw && raw != _stableActive && now - _rawSince >= (raw ? _activeHold : _debounce))
        {
            _stableActive = raw;
            if (raw)
            {
                Activations++;
            }
        }

        if (_stableActive && !_reportedActive)
        {
            _reportedActive = true;
            _resetRequested = false;
            return EventState.Active;
        }

        if (!_stableActive && _reportedActive && (!Options.Latches || _resetRequested))
        {
            _reportedActive = false;
            _resetRequested = false;
            return EventState.Restored;
        }

        return null;
    }

    /// <summary>
    /// Clears a latch. Reports <see cref="EventState.Restored"/> now if the contact is back to normal; if it is still
    /// active, the input restores as soon as the contact returns (a reset cannot silence a button still held).
    /// </summary>
    public EventState? Reset()
    {
        if (!_reportedActive)
        {
            return null;
        }

        if (!_stableActive)
        {
            _reportedActive = false;
            return EventState.Restored;
        }

        _resetRequested = true;
        return null;
    }
}
