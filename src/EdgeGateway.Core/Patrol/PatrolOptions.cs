namespace EdgeGateway.Core.Patrol;

/// <summary>The <c>Patrol</c> section: the rounds safety staff walk between the <c>checkpoint</c> inputs.</summary>
public sealed class PatrolOptions
{
    public const string Section = "Patrol";

    public List<PatrolRoundOptions> Rounds { get; set; } = [];
}

/// <summary>One round: which checkpoints, when it is due and how long it may take.</summary>
public sealed class PatrolRoundOptions
{
    /// <summary>The round's id, the <c>input</c> of its events (a topic segment). Required.</summary>
    public string Id { get; set; } = "";

    /// <summary>Ids of <c>checkpoint</c> inputs to reach in the round. Required, at least one.</summary>
    public List<string> Checkpoints { get; set; } = [];

    /// <summary>The checkpoints must be reached in the listed order: one reached out of turn does not count.</summary>
    /// <value>Default false (any order).</value>
    public bool Ordered { get; set; }

    /// <summary>Times of day the round is due (<c>HH:mm</c> or <c>HH:mm:ss</c>, the gateway's local time). Either this or <see cref="EveryHours"/>.</summary>
    /// <value>Default none.</value>
    public List<string> Times { get; set; } = [];

    /// <summary>The round is due every this many hours from local midnight (1-24). Either this or <see cref="Times"/>.</summary>
    /// <value>Default 0 (off).</value>
    public int EveryHours { get; set; }

    /// <summary>How long after it is due the round may take; not every checkpoint reached by then is a <c>patrol-missed</c> fault.</summary>
    /// <value>Default 3600 s; 10-86400, and shorter than the gap between two of the round's times.</value>
    public int MaxDurationSeconds { get; set; } = 3600;
}
