using System.Globalization;

namespace EdgeGateway.Core.Patrol;

/// <summary>
/// When a round is due: its times of day on the gateway's own clock, in its local time zone. With the clock not
/// synchronised these are the gateway's idea of the time (its events then say <c>"synced": false</c>).
/// </summary>
public sealed class PatrolSchedule
{
    private static readonly string[] s_formats = ["HH:mm", "HH:mm:ss", "H:mm"];

    private readonly TimeOnly[] _times;
    private readonly TimeZoneInfo _zone;

    public PatrolSchedule(IReadOnlyList<TimeOnly> times, TimeZoneInfo zone)
    {
        _times = [.. times.Order()];
        _zone = zone;
    }

    /// <summary>The times of day of <paramref name="round"/>; null when one does not parse or neither way is given.</summary>
    public static IReadOnlyList<TimeOnly>? TimesOf(PatrolRoundOptions round)
    {
        ArgumentNullException.ThrowIfNull(round);
        if (round.EveryHours > 0)
        {
            return [.. Enumerable.Range(0, 24 / round.EveryHours + (24 % round.EveryHours == 0 ? 0 : 1)).Select(i => new TimeOnly(i * round.EveryHours, 0))];
        }

        var times = new List<TimeOnly>();
        foreach (var text in round.Times)
        {
            if (!TimeOnly.TryParseExact(text, s_formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                return null;
            }

            times.Add(time);
        }

        return times.Count == 0 ? null : times;
    }

    /// <summary>The shortest gap between two consecutive times, across midnight too.</summary>
    public static TimeSpan ShortestGap(IReadOnlyList<TimeOnly> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        var sorted = times.Order().ToArray();
        var gap = TimeSpan.FromDays(1) - (sorted[^1] - sorted[0]);
        for (var i = 1; i < sorted.Length; i++)
        {
            var between = sorted[i] - sorted[i - 1];
            gap = between < gap ? between : gap;
        }

        return gap;
    }

    /// <summary>The latest time the round was due at or before <paramref name="now"/>.</summary>
    public DateTimeOffset LatestAtOrBefore(DateTimeOffset now) => Candidates(now).Where(slot => slot <= now).Max();

    /// <summary>The first time the round is due after <paramref name="now"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset now) => Candidates(now).Where(slot => slot > now).Min();

    private IEnumerable<DateTimeOffset> Candidates(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, _zone).DateTime);
        foreach (var day in new[] { today.AddDays(-1), today, today.AddDays(1) })
        {
            foreach (var time in _times)
            {
                var local = day.ToDateTime(time);
                yield return new DateTimeOffset(local, _zone.GetUtcOffset(local));
            }
        }
    }
}
