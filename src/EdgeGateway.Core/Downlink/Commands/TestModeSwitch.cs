using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>Test mode at one moment.</summary>
/// <param name="Since">When it went on (turning it on again does not move this).</param>
/// <param name="Until">When it ends by itself.</param>
/// <param name="Inputs">The input and sensor ids under test; null: all of them.</param>
/// <param name="Released">Inputs taken out of the test by a panic held during it: their events are real.</param>
public sealed record TestModeState(DateTimeOffset Since, DateTimeOffset Until, IReadOnlySet<string>? Inputs, IReadOnlySet<string> Released)
{
    /// <summary>Whether events of <paramref name="source"/> are marked as tests.</summary>
    public bool Covers(string source) => (Inputs is null || Inputs.Contains(source)) && !Released.Contains(source);

    /// <summary>The inputs under test in words, for the log and the center's board.</summary>
    public string Describe() =>
        (Inputs is null ? "every input" : string.Join(',', Inputs.Order(StringComparer.Ordinal)))
        + (Released.Count > 0 ? $" except {string.Join(',', Released.Order(StringComparer.Ordinal))}" : "");
}

/// <summary>
/// The center's <c>test-mode</c>: marks the events of the inputs under test <c>"test": true</c> (through
/// <see cref="EventRecorder.UnderTest"/>) until it is turned off or it ends by itself. It ends at most
/// <see cref="CommandOptions.TestModeMaxSeconds"/> after it went on, however often it is turned on again: a forgotten
/// or replayed test mode cannot hide real alarms for long. Only in memory: a restart always starts with it off.
/// </summary>
public sealed class TestModeSwitch(EventRecorder recorder, IOptions<CommandOptions> options, TimeProvider time, ILogger<TestModeSwitch> logger) : IDisposable
{
    private static readonly IReadOnlySet<string> s_none = new HashSet<string>();

    private readonly TimeSpan _hardMaximum = TimeSpan.FromSeconds(options.Value.TestModeMaxSeconds);
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private long _generation;
    private TestModeState? _state;

    /// <summary>Raised (outside the lock) whenever test mode goes on, changes or goes off.</summary>
    public event Action? Changed;

    /// <summary>Test mode now; null while it is off.</summary>
    public TestModeState? Current
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>
    /// Turns test mode on for <paramref name="duration"/> (at most until the hard maximum after it first went on),
    /// for the named <paramref name="inputs"/> or, when null, all of them. Returns the new state.
    /// </summary>
    public TestModeState TurnOn(TimeSpan duration, IReadOnlySet<string>? inputs)
    {
        TestModeState state;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var since = _state?.Since ?? now;
            var until = Min(now + duration, since + _hardMaximum);
            state = new TestModeState(since, until, inputs, s_none);
            ApplyLocked(state);
            _timer?.Dispose();
            var generation = ++_generation;
            _timer = time.CreateTimer(_ => Expire(generation), null, until - now, Timeout.InfiniteTimeSpan);
        }

        Log.TestModeOn(logger, EventPayload.FormatTimestamp(state.Until), state.Describe());
        Changed?.Invoke();
        return state;
    }

    /// <summary>Turns test mode off; returns whether it was on.</summary>
    public bool TurnOff() => Stop(generation: null, "turned off by the center");

    /// <summary>Takes <paramref name="input"/> out of the test: its events are real from now on. False if it was not under test.</summary>
    public bool Release(string input)
    {
        lock (_lock)
        {
            if (_state is not { } state || !state.Covers(input))
            {
                return false;
            }

            ApplyLocked(state with { Released = new HashSet<string>(state.Released, StringComparer.Ordinal) { input } });
        }

        Changed?.Invoke();
        return true;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private void Expire(long generation) => Stop(generation, "its time is up (at most Commands:TestModeMaxSeconds after it went on)");

    /// <summary>Ends test mode; with a generation, only if no later change replaced the timer that fired.</summary>
    private bool Stop(long? generation, string reason)
    {
        lock (_lock)
        {
            if (_state is null || (generation is { } g && g != _generation))
            {
                return false;
            }

            _generation++;
            _timer?.Dispose();
            _timer = null;
            ApplyLocked(null);
        }

        Log.TestModeOff(logger, reason);
        Changed?.Invoke();
        return true;
    }

    /// <summary>A timer replaced by a later change may still fire once: only the current generation ends test mode.</summary>
    private void ApplyLocked(TestModeState? state)
    {
        _state = state;
        recorder.UnderTest = state is null ? null : state.Covers;
    }
}
