namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>
/// A token bucket over the command stream: bursts of up to <c>burst</c> commands, then <c>perMinute</c> sustained.
/// Runs on the MQTT receive callback, so it only counts; it never waits.
/// </summary>
public sealed class CommandRateLimit(int burst, int perMinute, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly double _perSecond = perMinute / 60.0;
    private double _tokens = burst;
    private long _refilledAt = time.GetTimestamp();

    /// <summary>Takes one token; false when the rate is exceeded.</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_refilledAt, now).TotalSeconds * _perSecond));
            _refilledAt = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}
