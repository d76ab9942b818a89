namespace EdgeGateway.Center.Gaps;

/// <summary>
/// Per gateway, the highest seq seen and the numbers below it that have not arrived. A missing number may still come
/// (alarms overtake events). Thread-safe.
/// </summary>
internal sealed class SeqGapDetector
{
    private readonly Dictionary<string, GatewaySeqs> _gateways = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Records <paramref name="seq"/> of a new message from <paramref name="gateway"/>; returns the gap it opens, if any.</summary>
    public SeqGap? Observe(string gateway, long seq)
    {
        lock (_lock)
        {
            if (!_gateways.TryGetValue(gateway, out var seqs))
            {
                _gateways[gateway] = new GatewaySeqs { Highest = seq };
                return null;
            }

            if (seq <= seqs.Highest)
            {
                seqs.Missing.Remove(seq);
                return null;
            }

            SeqGap? gap = null;
            if (seq > seqs.Highest + 1)
            {
                gap = new SeqGap(seqs.Highest + 1, seq);
                for (var missing = seqs.Highest + 1; missing < seq; missing++)
                {
                    seqs.Missing.Add(missing);
                }
            }

            seqs.Highest = seq;
            return gap;
        }
    }

    /// <summary>The seqs of <paramref name="gateway"/> below the highest seen that never arrived.</summary>
    public IReadOnlyCollection<long> Missing(string gateway)
    {
        lock (_lock)
        {
            return _gateways.TryGetValue(gateway, out var seqs) ? [.. seqs.Missing] : [];
        }
    }

    private sealed class GatewaySeqs
    {
        public long Highest { get; set; }

        public SortedSet<long> Missing { get; } = [];
    }
}
