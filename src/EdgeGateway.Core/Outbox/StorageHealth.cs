namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Whether the outbox's storage works, as seen by <see cref="GuardedOutboxStore"/> on every call. The
/// <see cref="OutboxWriter"/> turns a failure into the <c>storage</c> fault event and restores it once the guard reports
/// the store healthy again. Thread-safe; shared by both so neither needs the other.
/// </summary>
public sealed class StorageHealth
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _failures = new(StringComparer.Ordinal);
    private Exception? _unreported;

    /// <summary>True while some kind of store call (<c>open</c>, <c>append</c>, <c>read</c>, <c>remove</c>) has failed and not yet succeeded since.</summary>
    public bool IsFailing
    {
        get
        {
            lock (_lock)
            {
                return _failing.Count > 0;
            }
        }
    }

    /// <summary>Failed store calls since start, by kind (<c>open</c>, <c>append</c>, <c>read</c>, <c>remove</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, long>> FailureCounts
    {
        get
        {
            lock (_lock)
            {
                return [.. _failures];
            }
        }
    }

    /// <summary>A store call of kind <paramref name="operation"/> failed.</summary>
    public void Failed(string operation, Exception error)
    {
        lock (_lock)
        {
            _unreported ??= error;
            _failing.Add(operation);
            _failures[operation] = _failures.GetValueOrDefault(operation) + 1;
        }
    }

    /// <summary>
    /// A call of kind <paramref name="operation"/> succeeded (for <c>remove</c>: nothing waits to be retried). Per kind,
    /// so a read that keeps failing is not "restored" by every append that works.
    /// </summary>
    public void Succeeded(string operation)
    {
        lock (_lock)
        {
            _failing.Remove(operation);
        }
    }

    /// <summary>The first failure not yet turned into a fault event, if any; clears it.</summary>
    public Exception? TakeUnreported()
    {
        lock (_lock)
        {
            var error = _unreported;
            _unreported = null;
            return error;
        }
    }

}
