using System.Collections.Concurrent;
using EdgeGateway.Core.Inputs;

namespace EdgeGateway.TestKit;

/// <summary>
/// In-memory GPIO lines: stores a level per pin, records the edge callback from <see cref="Open"/>
/// and invokes it from <see cref="Set"/>. Pins not set before <see cref="Open"/> start at their input's idle level.
/// </summary>
public sealed class FakeInputLines : IInputLines
{
    private readonly ConcurrentDictionary<int, bool> _levels = new();
    private Action<int, bool>? _onEdge;
    private readonly List<DateTimeOffset> _openAttempts = [];
    private int _readCount;

    /// <summary>How many of the first <see cref="Open"/> calls throw, as GpioInputLines does without libgpiod.</summary>
    public int OpenFailures { get; init; }

    /// <summary>The message of the exception a failing <see cref="Open"/> throws.</summary>
    public string OpenFailureReason { get; init; } = "the lines cannot be opened";

    /// <summary>Stamps each <see cref="Open"/> attempt in <see cref="OpenAttemptTimes"/>.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>When each <see cref="Open"/> was attempted, failed ones included.</summary>
    public IReadOnlyList<DateTimeOffset> OpenAttemptTimes
    {
        get
        {
            lock (_openAttempts)
            {
                return [.. _openAttempts];
            }
        }
    }

    /// <summary>The inputs passed to <see cref="Open"/>, or null before it was called.</summary>
    public IReadOnlyList<InputOptions>? OpenedInputs { get; private set; }

    /// <summary>How many times <see cref="Read"/> was called (the monitor's periodic poll).</summary>
    public int ReadCount => _readCount;

    public void Open(IReadOnlyList<InputOptions> inputs, Action<int, bool> onEdge)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        lock (_openAttempts)
        {
            _openAttempts.Add(Clock?.GetUtcNow() ?? default);
            if (_openAttempts.Count <= OpenFailures)
            {
                throw new InvalidOperationException(OpenFailureReason);
            }
        }

        foreach (var input in inputs)
        {
            _levels.TryAdd(input.Pin, !input.ActiveHigh);
        }

        OpenedInputs = inputs;
        _onEdge = onEdge;
    }

    public bool Read(int pin)
    {
        Interlocked.Increment(ref _readCount);
        return _levels.TryGetValue(pin, out var high) && high;
    }

    /// <summary>Changes the level and reports the edge through the callback given to <see cref="Open"/>.</summary>
    public void Set(int pin, bool high)
    {
        _levels[pin] = high;
        _onEdge?.Invoke(pin, high);
    }

    /// <summary>Changes the level without an edge callback, as when the driver misses an edge.</summary>
    public void SetWithoutEdge(int pin, bool high) => _levels[pin] = high;
}
