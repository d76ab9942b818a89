namespace EdgeGateway.Center.Acks;

/// <summary>
/// The alarms this console has received and who acknowledged each: what <c>ack</c> looks up, what the board lists as
/// awaiting an ack, and what a repeated alarm is acknowledged again with. Thread-safe.
/// </summary>
internal sealed class AlarmLedger
{
    private const int ShortestPrefix = 8;

    private readonly Dictionary<string, AlarmRecord> _alarms = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Add(CenterMessage alarm)
    {
        lock (_lock)
        {
            _alarms[alarm.Id] = new AlarmRecord(alarm);
        }
    }

    /// <summary>The alarm with id <paramref name="idOrPrefix"/>, or the only one whose id starts with it (8 characters or more).</summary>
    public CenterMessage? Find(string idOrPrefix)
    {
        lock (_lock)
        {
            if (_alarms.TryGetValue(idOrPrefix, out var exact))
            {
                return exact.Message;
            }

            if (idOrPrefix.Length < ShortestPrefix)
            {
                return null;
            }

            var matches = _alarms.Values.Where(a => a.Message.Id.StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
            return matches.Count == 1 ? matches[0].Message : null;
        }
    }

    /// <summary>Who acknowledged the alarm <paramref name="id"/>; null while it awaits an ack or is not known.</summary>
    public string? AcknowledgedBy(string id)
    {
        lock (_lock)
        {
            return _alarms.TryGetValue(id, out var record) ? record.AckedBy : null;
        }
    }

    public void MarkAcknowledged(string id, string by)
    {
        lock (_lock)
        {
            if (_alarms.TryGetValue(id, out var record))
            {
                record.AckedBy = by;
            }
        }
    }

    public bool IsAwaitingAck(string id)
    {
        lock (_lock)
        {
            return _alarms.TryGetValue(id, out var record) && record.AckedBy is null;
        }
    }

    public void Forget(string id)
    {
        lock (_lock)
        {
            _alarms.Remove(id);
        }
    }

    /// <summary>The alarms of <paramref name="gateway"/> (<c>site/gateway</c>) not acknowledged yet, oldest first.</summary>
    public IReadOnlyList<CenterMessage> AwaitingAck(string gateway)
    {
        lock (_lock)
        {
            return [.. _alarms.Values
                .Where(a => a.AckedBy is null && a.Message.GatewayKey == gateway)
                .Select(a => a.Message)
                .OrderBy(m => m.Seq)];
        }
    }

    private sealed class AlarmRecord(CenterMessage message)
    {
        public CenterMessage Message { get; } = message;

        /// <summary>Who acknowledged it; null while it awaits an ack.</summary>
        public string? AckedBy { get; set; }
    }
}
