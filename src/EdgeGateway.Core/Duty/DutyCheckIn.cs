using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Core.Duty;

/// <summary>
/// One <c>duty</c> input's check-ins. Pure logic on the monotonic clock, so a clock step neither raises nor hides a
/// missed check-in: pressed at least every <see cref="InputOptions.CheckInIntervalSeconds"/>, or a <c>duty-missed</c>
/// fault, restored by the next press. The first interval runs from <paramref name="startedAt"/>.
/// </summary>
public sealed class DutyCheckIn(InputOptions input, TimeSpan startedAt)
{
    /// <summary>The <c>detail.fault</c> of a missed check-in.</summary>
    public const string MissedFault = "duty-missed";

    private readonly TimeSpan _interval = TimeSpan.FromSeconds(input.CheckInIntervalSeconds);
    private TimeSpan _lastPress = startedAt;
    private DateTimeOffset? _lastPressAt;
    private TimeSpan? _missedAt;

    public InputOptions Input => input;

    /// <summary>Whether the <c>duty-missed</c> fault is active.</summary>
    public bool IsMissed => _missedAt is not null;

    /// <summary>A press: a check-in. Returns the fault's restore if it was active.</summary>
    public NewEvent? Press(DateTimeOffset wall, TimeSpan mono)
    {
        _lastPress = mono;
        _lastPressAt = wall;
        if (_missedAt is not { } missedAt)
        {
            return null;
        }

        _missedAt = null;
        return new NewEvent(input.Id, EventKind.Fault, EventState.Restored, input.Location, new Dictionary<string, string>
        {
            ["fault"] = MissedFault,
            ["overdueSeconds"] = Seconds(mono - missedAt),
        });
    }

    /// <summary>The fault, once the interval has passed without a press.</summary>
    public NewEvent? Tick(TimeSpan mono)
    {
        if (_missedAt is not null || mono - _lastPress < _interval)
        {
            return null;
        }

        _missedAt = mono;
        return new NewEvent(input.Id, EventKind.Fault, EventState.Active, input.Location, new Dictionary<string, string>
        {
            ["fault"] = MissedFault,
            ["intervalSeconds"] = Seconds(_interval),
            ["lastCheckIn"] = _lastPressAt is { } at ? EventPayload.FormatTimestamp(at) : "none",
        });
    }

    /// <summary>How long until <see cref="Tick"/> may report; infinite while the fault is active (only a press ends it).</summary>
    public TimeSpan NextWake(TimeSpan mono) => IsMissed ? Timeout.InfiniteTimeSpan
        : _lastPress + _interval - mono is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;

    private static string Seconds(TimeSpan duration) => ((long)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture);
}
