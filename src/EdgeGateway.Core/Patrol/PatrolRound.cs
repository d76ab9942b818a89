using System.Globalization;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Patrol;

/// <summary>
/// One round's progress. Pure logic: the caller passes the wall clock (what the schedule means) and the monotonic
/// clock (how long a round has taken). A round opens when it is due and stays open for its maximum duration on the
/// monotonic clock, so a clock step neither shortens nor lengthens a round in progress; a due time the clock stepped
/// over by more than the maximum duration opens nothing; a step back may make a time due again, by the gateway's clock.
/// A round due when the gateway starts is watched for what is left of it.
/// </summary>
public sealed class PatrolRound
{
    /// <summary>The <c>detail.fault</c> of a missed or incomplete round.</summary>
    public const string MissedFault = "patrol-missed";

    private readonly PatrolRoundOptions _options;
    private readonly PatrolSchedule _schedule;
    private readonly TimeSpan _maxDuration;
    private Progress? _open;
    private DateTimeOffset? _lastClosedSlot;

    public PatrolRound(PatrolRoundOptions options, PatrolSchedule schedule)
    {
        _options = options;
        _schedule = schedule;
        _maxDuration = TimeSpan.FromSeconds(options.MaxDurationSeconds);
    }

    public string Id => _options.Id;

    /// <summary>Whether a round is under way now.</summary>
    public bool IsOpen => _open is not null;

    /// <summary>Checkpoints reached in the round under way, in order.</summary>
    public IReadOnlyList<string> Reached => _open?.Reached ?? [];

    /// <summary>Whether this round's <c>patrol-missed</c> fault is active (until a round completes).</summary>
    public bool FaultActive { get; private set; }

    /// <summary>Closes a round whose time is up and opens one that is due; returns what to report.</summary>
    public IReadOnlyList<NewEvent> Tick(DateTimeOffset wall, TimeSpan mono)
    {
        var events = new List<NewEvent>();
        if (_open is { } open && mono >= open.Deadline)
        {
            events.Add(Missed(open));
            Close(open);
        }

        if (_open is null)
        {
            var slot = _schedule.LatestAtOrBefore(wall);
            var late = wall - slot;
            if (slot != _lastClosedSlot && late < _maxDuration)
            {
                _open = new Progress(slot, mono + (_maxDuration - late));
            }
        }

        return events;
    }

    /// <summary>Counts <paramref name="checkpoint"/> for the round under way; returns what to report (its completion).</summary>
    public IReadOnlyList<NewEvent> Reach(string checkpoint, DateTimeOffset wall, TimeSpan mono)
    {
        if (_open is not { } open || open.Reached.Contains(checkpoint) || !_options.Checkpoints.Contains(checkpoint)
            || (_options.Ordered && _options.Checkpoints[open.Reached.Count] != checkpoint))
        {
            return [];
        }

        if (open.Reached.Count == 0)
        {
            open.FirstReachedAt = wall;
            open.FirstReachedMono = mono;
        }

        open.Reached.Add(checkpoint);
        if (open.Reached.Count < _options.Checkpoints.Count)
        {
            return [];
        }

        var events = new List<NewEvent>
        {
            new(Id, EventKind.Patrol, EventState.Active, "", new Dictionary<string, string>
            {
                ["slot"] = EventPayload.FormatTimestamp(open.Slot),
                ["durationSeconds"] = Seconds(mono - open.FirstReachedMono),
                ["checkpoints"] = string.Join(',', open.Reached),
            }),
        };
        if (FaultActive)
        {
            events.Add(new NewEvent(Id, EventKind.Fault, EventState.Restored, "", new Dictionary<string, string>
            {
                ["fault"] = MissedFault,
                ["slot"] = EventPayload.FormatTimestamp(open.Slot),
            }));
            FaultActive = false;
        }

        Close(open);
        return events;
    }

    /// <summary>How long until <see cref="Tick"/> has something to do, at most <paramref name="cap"/> (so a clock step is noticed).</summary>
    public TimeSpan NextWake(DateTimeOffset wall, TimeSpan mono, TimeSpan cap)
    {
        var wait = _open is { } open ? open.Deadline - mono : _schedule.NextAfter(wall) - wall;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait < cap ? wait : cap;
    }

    /// <summary>What survives a restart.</summary>
    public PatrolRoundState Save() => new(Id, _open?.Slot, [.. Reached], _open?.FirstReachedAt, _lastClosedSlot, FaultActive);

    /// <summary>
    /// Takes up a saved round. The monotonic clock does not survive a restart, so the time left of a round under way and
    /// the duration walked so far come from the wall clock.
    /// </summary>
    public void Restore(PatrolRoundState state, DateTimeOffset wall, TimeSpan mono)
    {
        ArgumentNullException.ThrowIfNull(state);
        _lastClosedSlot = state.LastClosedSlot;
        FaultActive = state.FaultActive;
        if (state.Slot is not { } slot)
        {
            return;
        }

        _open = new Progress(slot, mono + (slot + _maxDuration - wall));
        _open.Reached.AddRange(state.Reached.Where(_options.Checkpoints.Contains));
        if (state.FirstReachedAt is { } first)
        {
            _open.FirstReachedAt = first;
            _open.FirstReachedMono = mono - (wall - first);
        }
    }

    private NewEvent Missed(Progress open)
    {
        var detail = new Dictionary<string, string>
        {
            ["fault"] = MissedFault,
            ["reason"] = open.Reached.Count == 0 ? "missed" : "incomplete",
            ["slot"] = EventPayload.FormatTimestamp(open.Slot),
            ["maxDurationSeconds"] = Seconds(_maxDuration),
            ["missing"] = string.Join(',', _options.Checkpoints.Except(open.Reached)),
        };
        if (open.Reached.Count > 0)
        {
            detail["reached"] = string.Join(',', open.Reached);
        }

        FaultActive = true;
        return new NewEvent(Id, EventKind.Fault, EventState.Active, "", detail);
    }

    private void Close(Progress open)
    {
        _lastClosedSlot = open.Slot;
        _open = null;
    }

    private static string Seconds(TimeSpan duration) => ((long)Math.Max(0, duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private sealed class Progress(DateTimeOffset slot, TimeSpan deadline)
    {
        public DateTimeOffset Slot { get; } = slot;

        public TimeSpan Deadline { get; } = deadline;

        public List<string> Reached { get; } = [];

        public DateTimeOffset? FirstReachedAt { get; set; }

        public TimeSpan FirstReachedMono { get; set; }
    }
}

/// <summary>A round as saved in <c>{DataDirectory}/patrol.json</c>.</summary>
public sealed record PatrolRoundState(
    string Round,
    DateTimeOffset? Slot,
    IReadOnlyList<string> Reached,
    DateTimeOffset? FirstReachedAt,
    DateTimeOffset? LastClosedSlot,
    bool FaultActive);
