using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Inputs;

/// <summary>
/// All input lines of the gateway and what to report about them: one <see cref="InputChannel"/> per input and per
/// tamper loop, each with a <see cref="SwingerGuard"/>. Pure logic on a monotonic clock; <see cref="InputMonitor"/>
/// feeds it observations and records <see cref="Events"/>.
/// </summary>
public sealed class InputSupervisor
{
    private readonly Dictionary<int, Line> _linesByPin = [];
    private readonly ILogger _logger;
    private readonly List<NewEvent> _events = [];
    private readonly List<(InputChannel Channel, EventState State)> _transitions = [];

    public InputSupervisor(IEnumerable<InputOptions> inputs, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _logger = logger;
        foreach (var input in inputs)
        {
            _linesByPin[input.Pin] = new Line(new InputChannel(input), IsTamperLoop: false);
            if (input.TamperLoop() is { } loop)
            {
                _linesByPin[loop.Pin] = new Line(new InputChannel(loop), IsTamperLoop: true);
            }
        }

        Lines = [.. _linesByPin.Values.Select(l => l.Channel.Options)];
        Channels = [.. _linesByPin.Values.Where(l => !l.IsTamperLoop).Select(l => l.Channel)];
    }

    /// <summary>Every line to open: the inputs and their tamper loops.</summary>
    public IReadOnlyList<InputOptions> Lines { get; }

    /// <summary>The inputs, in configuration order, with their live state.</summary>
    public IReadOnlyCollection<InputChannel> Channels { get; }

    /// <summary>Events to record, in order, since <see cref="ClearReported"/>.</summary>
    public IReadOnlyList<NewEvent> Events => _events;

    /// <summary>The input transitions among <see cref="Events"/>, for <see cref="InputMonitor.Transitioned"/>.</summary>
    public IReadOnlyList<(InputChannel Channel, EventState State)> Transitions => _transitions;

    /// <summary>When <see cref="Evaluate"/> may next report something without a new observation.</summary>
    public TimeSpan? NextDeadline => _linesByPin.Values
        .SelectMany(l => new[] { l.Channel.NextDeadline, l.Guard.NextDeadline })
        .Min();

    /// <summary>Records a line level seen at <paramref name="at"/>; unknown pins are ignored.</summary>
    public void Observe(int pin, bool high, TimeSpan at)
    {
        if (_linesByPin.TryGetValue(pin, out var line))
        {
            line.Channel.Observe(high, at);
        }
    }

    /// <summary>Clears the latch of input <paramref name="inputId"/>, or of all inputs when null.</summary>
    public void Reset(string? inputId)
    {
        foreach (var line in _linesByPin.Values.Where(l => !l.IsTamperLoop && (inputId is null || l.Channel.Options.Id == inputId)))
        {
            if (line.Channel.Reset() is { } state)
            {
                Report(line, state);
            }
        }
    }

    /// <summary>Applies debounce, latch and swinger shutdown to every line at <paramref name="now"/>.</summary>
    public void Evaluate(TimeSpan now)
    {
        foreach (var line in _linesByPin.Values)
        {
            EvaluateLine(line, now);
        }
    }

    /// <summary>Forgets <see cref="Events"/> and <see cref="Transitions"/> once they are recorded.</summary>
    public void ClearReported()
    {
        _events.Clear();
        _transitions.Clear();
    }

    private void EvaluateLine(Line line, TimeSpan now)
    {
        var channel = line.Channel;
        var state = channel.Evaluate(now);
        var tripped = false;
        for (; line.SeenActivations < channel.Activations; line.SeenActivations++)
        {
            tripped |= line.Guard.RecordActivation(now);
        }

        if (state is { } s)
        {
            Report(line, s);
        }

        var options = channel.Options;
        var what = line.IsTamperLoop ? "tamper loop" : "input";
        if (tripped)
        {
            Log.SwingerShutdown(_logger, options.Id, what, options.MaxActivations, options.SwingerWindowSeconds);
            _events.Add(new NewEvent(options.Id, EventKind.Fault, EventState.Active, options.Location, new Dictionary<string, string>
            {
                ["fault"] = "flapping",
                ["line"] = what,
                ["activations"] = Invariant(options.MaxActivations),
                ["windowSeconds"] = Invariant(options.SwingerWindowSeconds),
                // A panic input keeps reporting; anything else is silent until quiet.
                ["suppressed"] = line.NeverSuppressed ? "false" : "true",
                ["quietSeconds"] = Invariant(options.SwingerQuietSeconds),
            }));
        }

        if (line.Guard.TryReset(now))
        {
            Log.SwingerResumed(_logger, options.Id, what, options.SwingerQuietSeconds);
            _events.Add(new NewEvent(options.Id, EventKind.Fault, EventState.Restored, options.Location, new Dictionary<string, string>
            {
                ["fault"] = "flapping",
                ["line"] = what,
                ["quietSeconds"] = Invariant(options.SwingerQuietSeconds),
            }));

            // Whatever the contact did while suppressed, the center now hears where it is.
            if (channel.IsActive != line.ReportedActive)
            {
                Report(line, channel.IsActive ? EventState.Active : EventState.Restored);
            }
        }
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Queues a transition for recording, unless the line is shut down (a panic input never is).</summary>
    private void Report(Line line, EventState state)
    {
        if (line.Guard.IsTripped && !line.NeverSuppressed)
        {
            return;
        }

        line.ReportedActive = state == EventState.Active;
        _events.Add(line.Channel.EventOf(state));
        _transitions.Add((line.Channel, state));
    }

    /// <summary>One watched GPIO line: an input's contact or its tamper loop.</summary>
    private sealed record Line(InputChannel Channel, bool IsTamperLoop)
    {
        public SwingerGuard Guard { get; } = new(Channel.Options);

        /// <summary>
        /// A panic input is never suppressed: its latch already limits it to one alarm per reset, so suppression would
        /// only risk hiding a real press.
        /// </summary>
        public bool NeverSuppressed => Channel.Options.Kind == EventKind.Panic;

        /// <summary>What the center was last told about this line.</summary>
        public bool ReportedActive { get; set; }

        /// <summary><see cref="InputChannel.Activations"/> already counted by the guard.</summary>
        public long SeenActivations { get; set; }
    }
}
