namespace EdgeGateway.Center.History;

/// <summary>
/// The newest <see cref="Capacity"/> alarms this console received, with their latency and who acknowledged them: what
/// the web board's history lists and filters. In memory (a console restart starts it empty; the <c>--json</c> file is the
/// lasting record). Thread-safe.
/// </summary>
public sealed class AlarmHistory
{
    private readonly LinkedList<AlarmRecord> _records = new();
    private readonly Dictionary<string, LinkedListNode<AlarmRecord>> _byId = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public AlarmHistory(CenterConsole center, TimeProvider time, int capacity = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        center.Received += (message, age) =>
        {
            if (message.IsAlarm)
            {
                Add(new AlarmRecord(message, time.GetUtcNow(), age, null, null));
            }
        };
        center.Acknowledged += (message, by) => MarkAcknowledged(message.Id, by, time.GetUtcNow());
    }

    public int Capacity { get; }

    /// <summary>The alarm with <paramref name="id"/>, if still held.</summary>
    public AlarmRecord? Find(string id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var node) ? node.Value : null;
        }
    }

    /// <summary>The records matching <paramref name="query"/>, newest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<AlarmRecord> Query(AlarmQuery query, int limit)
    {
        lock (_lock)
        {
            var found = new List<AlarmRecord>();
            for (var node = _records.Last; node is not null && found.Count < limit; node = node.Previous)
            {
                if (query.Matches(node.Value))
                {
                    found.Add(node.Value);
                }
            }

            return found;
        }
    }

    private void Add(AlarmRecord record)
    {
        lock (_lock)
        {
            if (_byId.ContainsKey(record.Alarm.Id))
            {
                return;
            }

            _byId[record.Alarm.Id] = _records.AddLast(record);
            if (_records.Count > Capacity)
            {
                _byId.Remove(_records.First!.Value.Alarm.Id);
                _records.RemoveFirst();
            }
        }
    }

    private void MarkAcknowledged(string id, string by, DateTimeOffset at)
    {
        lock (_lock)
        {
            // A re-sent ack (the first was lost) keeps the first one's operator and time.
            if (_byId.TryGetValue(id, out var node) && node.Value.AckedBy is null)
            {
                node.Value = node.Value with { AckedBy = by, AckedAt = at };
            }
        }
    }
}
