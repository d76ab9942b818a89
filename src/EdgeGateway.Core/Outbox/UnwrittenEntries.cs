namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Events accepted while the outbox could not write (disk full, I/O error): kept in memory with the seq they
/// will have on disk, so the forwarder can still send them (alarms first) while the write is retried.
/// </summary>
public sealed class UnwrittenEntries
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);
    private IReadOnlyList<OutboxEntry> _entries = [];

    /// <summary>Entries to send before the store's own, in lane then seq order.</summary>
    public IReadOnlyList<OutboxEntry> Pending
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Where(e => !_sent.Contains(e.EventId))];
            }
        }
    }

    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count == 0;
            }
        }
    }

    public void Replace(IEnumerable<OutboxEntry> entries)
    {
        lock (_lock)
        {
            _entries = [.. entries.OrderBy(e => e.Lane).ThenBy(e => e.Seq)];
        }
    }

    /// <summary>The broker acknowledged an entry sent from memory.</summary>
    public void Sent(OutboxEntry entry)
    {
        lock (_lock)
        {
            _sent.Add(entry.EventId);
        }
    }

    /// <summary>The entries reached the store; returns those the broker already has (to remove at once).</summary>
    public IReadOnlyList<OutboxEntry> Written(IReadOnlyList<OutboxEntry> written)
    {
        lock (_lock)
        {
            var alreadySent = written.Where(e => _sent.Contains(e.EventId)).ToList();
            _entries = [];
            _sent.Clear();
            return alreadySent;
        }
    }
}
