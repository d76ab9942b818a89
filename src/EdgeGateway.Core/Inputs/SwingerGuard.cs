namespace EdgeGateway.Core.Inputs;

/// <summary>
/// Swinger shutdown for one input, as alarm panels do it: <c>MaxActivations</c> activations within the window trip
/// it (the caller reports one <c>fault</c> and suppresses the input); it resets after the input has had no activation
/// for the quiet period. Pure logic on the monitor's monotonic clock.
/// </summary>
public sealed class SwingerGuard
{
    private readonly int _maxActivations;
    private readonly TimeSpan _window;
    private readonly TimeSpan _quiet;
    private readonly Queue<TimeSpan> _recent = new();
    private TimeSpan _lastActivation;

    public SwingerGuard(InputOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _maxActivations = options.MaxActivations;
        _window = TimeSpan.FromSeconds(options.SwingerWindowSeconds);
        _quiet = TimeSpan.FromSeconds(options.SwingerQuietSeconds);
    }

    /// <summary>True while the input is shut down.</summary>
    public bool IsTripped { get; private set; }

    /// <summary>When <see cref="TryReset"/> can next succeed, while tripped.</summary>
    public TimeSpan? NextDeadline => IsTripped ? _lastActivation + _quiet : null;

    /// <summary>Counts one activation at <paramref name="now"/>; true when this one trips the guard.</summary>
    public bool RecordActivation(TimeSpan now)
    {
        _lastActivation = now;
        if (IsTripped || _maxActivations == 0)
        {
            return false;
        }

        _recent.Enqueue(now);
        while (_recent.Peek() <= now - _window)
        {
            _recent.Dequeue();
        }

        if (_recent.Count < _maxActivations)
        {
            return false;
        }

        _recent.Clear();
        IsTripped = true;
        return true;
    }

    /// <summary>True when a tripped guard has been quiet long enough and is reset now.</summary>
    public bool TryReset(TimeSpan now)
    {
        if (!IsTripped || now - _lastActivation < _quiet)
        {
            return false;
        }

        IsTripped = false;
        return true;
    }
}
