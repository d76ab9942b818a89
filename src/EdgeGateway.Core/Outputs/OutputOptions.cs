namespace EdgeGateway.Core.Outputs;

/// <summary>What an output line does for the guard.</summary>
public enum OutputRole
{
    /// <summary>The status LED: heartbeat, waiting for the center, acknowledged, no path.</summary>
    StatusLed,

    /// <summary>The local sounder (buzzer): on when an alarm stays unacknowledged; the <c>silence</c> command turns it off.</summary>
    Sounder,

    /// <summary>The escalation relay (strobe, siren, a call to the caretaker): on while an alarm stays unacknowledged.</summary>
    Escalation,

    /// <summary>A "test in progress" lamp or sign: on while the center's test mode is on. Optional.</summary>
    TestMode,
}

/// <summary>One output line, as an installer writes it in the <c>Outputs</c> array.</summary>
public sealed class OutputOptions
{
    /// <summary>Stable id, for example <c>status-led</c>. Required; unique.</summary>
    public string Id { get; set; } = "";

    /// <summary>BCM GPIO number. Required; 2–27 on the Raspberry Pi header, not shared with an input or a sensor bus.</summary>
    public int Pin { get; set; } = -1;

    /// <summary>Required.</summary>
    public OutputRole Role { get; set; }

    /// <summary>The load is on when the line is low (many relay and buzzer modules switch on a low input).</summary>
    /// <value>Default false (high = on).</value>
    public bool ActiveLow { get; set; }
}

/// <summary>The <c>Outputs</c> array.</summary>
public sealed class OutputsOptions
{
    public List<OutputOptions> Outputs { get; set; } = [];
}
