using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Sensors;

/// <summary>
/// One temperature limit with hysteresis and a minimum duration: the alarm raises once the value has been beyond the
/// limit for the whole duration, and restores once it is back inside by the hysteresis. Pure logic on a monotonic clock.
/// </summary>
/// <param name="limit">The limit, °C.</param>
/// <param name="above">True for an upper limit (alarm above it), false for a lower one.</param>
/// <param name="hysteresis">How far back inside the limit the value must come to restore, °C.</param>
/// <param name="minDuration">How long the value must stay beyond the limit before the alarm.</param>
public sealed class ThresholdWatch(double limit, bool above, double hysteresis, TimeSpan minDuration)
{
    private TimeSpan? _beyondSince;

    public double Limit => limit;

    public bool IsAbove => above;

    /// <summary>True while the alarm is raised.</summary>
    public bool IsActive { get; private set; }

    /// <summary>How long the value had been beyond the limit when the alarm was raised.</summary>
    public TimeSpan MinDuration => minDuration;

    /// <summary>Takes a reading at <paramref name="now"/>; returns the alarm's transition, if any.</summary>
    public EventState? Update(double value, TimeSpan now)
    {
        var beyond = above ? value > limit : value < limit;
        if (IsActive)
        {
            var back = above ? value < limit - hysteresis : value > limit + hysteresis;
            if (!back)
            {
                return null;
            }

            IsActive = false;
            _beyondSince = null;
            return EventState.Restored;
        }

        if (!beyond)
        {
            // One reading back inside restarts the duration: the limit must be exceeded without a break.
            _beyondSince = null;
            return null;
        }

        _beyondSince ??= now;
        if (now - _beyondSince.Value < minDuration)
        {
            return null;
        }

        IsActive = true;
        return EventState.Active;
    }
}
