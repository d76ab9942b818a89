using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Core.Health;

/// <summary>
/// The state of every <see cref="SupervisedLoop"/> and optional part, for the health report and the systemd watchdog:
/// restarts, the last error, and which loops cannot recover in process (<see cref="SupervisionPolicy.GiveUpAfterFailures"/>).
/// </summary>
public sealed class LoopSupervision(TimeProvider time, ILogger<LoopSupervision> logger, SupervisionPolicy? policy = null)
{
    private readonly ConcurrentDictionary<string, LoopRecord> _loops = new(StringComparer.Ordinal);

    public LoopSupervision(TimeProvider time)
        : this(time, NullLogger<LoopSupervision>.Instance)
    {
    }

    public SupervisionPolicy Policy { get; } = policy ?? SupervisionPolicy.Default;

    public TimeProvider Time => time;

    internal ILogger Logger => logger;

    /// <summary>Every loop and part seen so far, by name.</summary>
    public IReadOnlyList<LoopStatus> Snapshot() => [.. _loops.Values.Select(l => l.Status()).OrderBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>The loops that failed too often in a row to recover in process (their names and last errors).</summary>
    public IReadOnlyList<LoopStatus> Unrecoverable() => [.. Snapshot().Where(s => s.State == LoopStatus.Failed)];

    /// <summary>An optional part (the status socket, say) could not start: logged and reported, the gateway runs on.</summary>
    public void ReportUnavailable(string name, string reason)
    {
        For(name).Unavailable(reason);
        Log.PartUnavailable(logger, name, reason);
    }

    /// <summary>A part reported unavailable now runs.</summary>
    public void ReportAvailable(string name) => For(name).Available();

    internal LoopRecord For(string name) => _loops.GetOrAdd(name, n => new LoopRecord(n, this));
}

/// <summary>One loop's counters; every change under its lock (the loop writes, health readers read).</summary>
internal sealed class LoopRecord(string name, LoopSupervision supervision)
{
    private readonly Lock _lock = new();
    private string _state = LoopStatus.Running;
    private bool _running;
    private long _runningSince = supervision.Time.GetTimestamp();
    private long _restarts;
    private int _failuresInARow;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;

    public void Started()
    {
        lock (_lock)
        {
            _running = true;
            _runningSince = supervision.Time.GetTimestamp();
            if (_state is not (LoopStatus.Failed or LoopStatus.Unavailable))
            {
                _state = LoopStatus.Running;
            }
        }
    }

    /// <summary>Counts a fault; returns the backoff before the restart and whether the loop has now failed for good.</summary>
    public (TimeSpan Backoff, int FailuresInARow, bool GivenUp) Faulted(Exception exception)
    {
        var policy = supervision.Policy;
        lock (_lock)
        {
            if (supervision.Time.GetElapsedTime(_runningSince) >= policy.HealthyRun)
            {
                _failuresInARow = 0;
            }

            _running = false;
            _failuresInARow++;
            _lastError = Shorten($"{exception.GetType().Name}: {exception.Message}");
            _lastErrorAt = supervision.Time.GetUtcNow();
            var givenUp = _failuresInARow >= policy.GiveUpAfterFailures;
            _state = givenUp ? LoopStatus.Failed : LoopStatus.Restarting;
            return (policy.Backoff(_failuresInARow), _failuresInARow, givenUp);
        }
    }

    public void Restarted()
    {
        lock (_lock)
        {
            _restarts++;
        }

        Started();
    }

    public void Stopped()
    {
        lock (_lock)
        {
            _running = false;
            _state = LoopStatus.Stopped;
        }
    }

    public void Unavailable(string reason)
    {
        lock (_lock)
        {
            _state = LoopStatus.Unavailable;
            _lastError = Shorten(reason);
            _lastErrorAt = supervision.Time.GetUtcNow();
        }
    }

    public void Available()
    {
        lock (_lock)
        {
            if (_state == LoopStatus.Unavailable)
            {
                _state = LoopStatus.Running;
            }
        }
    }

    public LoopStatus Status()
    {
        lock (_lock)
        {
            // A loop that has run a healthy period since its last restart has recovered, whatever came before.
            if (_running
                && _state is LoopStatus.Running or LoopStatus.Failed
                && _failuresInARow > 0
                && supervision.Time.GetElapsedTime(_runningSince) >= supervision.Policy.HealthyRun)
            {
                _failuresInARow = 0;
                _state = LoopStatus.Running;
            }

            return new LoopStatus(name, _state, _restarts, _failuresInARow, _lastError, _lastErrorAt);
        }
    }

    // The health message is sent every minute; a stack-trace-sized message would crowd out the rest.
    private static string Shorten(string text) => text.Length <= 300 ? text : string.Concat(text.AsSpan(0, 299), "…");
}
