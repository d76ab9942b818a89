namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Whether the outbox's storage works, as seen by <see cref="GuardedOutboxStore"/> on every call. The
/// <see cref="OutboxWriter"/> turns a failure into the <c>storage</c> fault event and restores it once the guard reports
/// the store healthy again. Thread-safe; shared by both so neither needs the other.
/// </summary>
public sealed class StorageHealth
{
    private readonly Lock _lock = new();
    private Exception? _unreported;
    private bool _failing;

    /// <summary>True from a failed store call until the guard has nothing left to retry.</summary>
    public bool IsFailing
    {
        get
        {
            lock (_lock)
            {
                return _failing;
            }
        }
    }

    /// <summary>A store call failed.</summary>
    public void Failed(Exception error)
    {
        lock (_lock)
        {
            _unreported ??= error;
            _failing = true;
        }
    }

    /// <summary>The store is open and nothing waits to be retried.</summary>
    public void Healthy()
    {
        lock (_lock)
        {
            _failing = false;
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
