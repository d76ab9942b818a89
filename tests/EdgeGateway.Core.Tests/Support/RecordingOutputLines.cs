using EdgeGateway.Core.Outputs;

namespace EdgeGateway.Core.Tests.Support;

/// <summary>Output lines that record every change with the fake time it happened at.</summary>
internal sealed class RecordingOutputLines(TimeProvider time) : IOutputLines
{
    private readonly DateTimeOffset _start = time.GetUtcNow();
    private readonly Dictionary<OutputRole, bool> _levels = [];
    private readonly List<(TimeSpan At, OutputRole Role, bool On)> _writes = [];

    private int _openAttempts;

    /// <summary>How many of the first <see cref="Open"/> calls throw, as GpioOutputLines does without libgpiod.</summary>
    public int OpenFailures { get; init; }

    /// <summary>The message of the exception a failing <see cref="Open"/> throws.</summary>
    public string OpenFailureReason { get; init; } = "the outputs cannot be opened";

    /// <summary><see cref="Open"/> calls so far, failed ones included.</summary>
    public int OpenAttempts => Volatile.Read(ref _openAttempts);

    public IReadOnlyList<OutputOptions> Opened { get; private set; } = [];

    public bool Closed { get; private set; }

    public IReadOnlyList<(TimeSpan At, OutputRole Role, bool On)> Writes => _writes;

    public void Open(IReadOnlyList<OutputOptions> outputs)
    {
        if (Interlocked.Increment(ref _openAttempts) <= OpenFailures)
        {
            throw new InvalidOperationException(OpenFailureReason);
        }

        Opened = outputs;
        foreach (var output in outputs)
        {
            _levels[output.Role] = false;
        }
    }

    public void Set(OutputRole role, bool on)
    {
        _levels[role] = on;
        _writes.Add((time.GetUtcNow() - _start, role, on));
    }

    public void Close()
    {
        foreach (var role in _levels.Keys)
        {
            _levels[role] = false;
        }

        Closed = true;
    }

    public bool IsOn(OutputRole role) => _levels.GetValueOrDefault(role);

    /// <summary>The changes of one role as (milliseconds since start, on).</summary>
    public IReadOnlyList<(long Ms, bool On)> Sequence(OutputRole role) =>
        [.. _writes.Where(w => w.Role == role).Select(w => ((long)w.At.TotalMilliseconds, w.On))];
}
