namespace EdgeGateway.Center.Transport;

/// <summary>
/// Jittered exponential backoff: the first wait, doubled per failure up to the maximum, each drawn from 50-100 % of
/// that, so consoles (and gateways) dropped by one broker restart do not all knock at the same instant.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan first, TimeSpan maximum, Random random)
{
    private int _failures;

    public TimeSpan Next()
    {
        var ceiling = Math.Min(maximum.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, Math.Min(_failures, 30)));
        _failures++;
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (random.NextDouble() / 2)));
    }

    public void Reset() => _failures = 0;
}
