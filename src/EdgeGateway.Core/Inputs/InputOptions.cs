namespace EdgeGateway.Inputs;

/// <summary>What a contact input is wired to; decides the lane and topic of its events.</summary>
public enum InputKind
{
    Panic,
    Smoke,
    Intrusion,
    Door,
    Tamper,
    Generic,

    /// <summary>A fault of the gateway itself (path, storage, a suppressed input); never an input's configured kind.</summary>
    Fault,
}

/// <summary>Contact type of the switch: normally open (closes on alarm) or normally closed (opens on alarm).</summary>
public enum ContactType
{
    NO,
    NC,
}

/// <summary>Bias on the GPIO line. <see cref="None"/> means an external resistor pulls the line up.</summary>
public enum PullMode
{
    Up,
    Down,
    None,
}

/// <summary>One contact input, as an installer writes it in the <c>Inputs</c> array.</summary>
public sealed class InputOptions
{
    /// <summary>Stable id used in topics and events, for example <c>office-panic</c>. Required.</summary>
    public string Id { get; set; } = "";

    /// <summary>BCM GPIO number. Required; 2–27 on the Raspberry Pi header.</summary>
    public int Pin { get; set; } = -1;

    /// <value>Default <see cref="InputKind.Generic"/>.</value>
    public InputKind Kind { get; set; } = InputKind.Generic;

    /// <value>Default <see cref="ContactType.NO"/>.</value>
    public ContactType Contact { get; set; } = ContactType.NO;

    /// <value>Default <see cref="PullMode.Up"/>.</value>
    public PullMode Pull { get; set; } = PullMode.Up;

    /// <summary>A level change counts only once it has been stable this long.</summary>
    /// <value>Default 20 ms.</value>
    public int DebounceMs { get; set; } = 20;

    /// <summary>An activation shorter than this is treated as a glitch and not reported.</summary>
    /// <value>Default 0 ms (the debounce alone applies).</value>
    public int MinActiveMs { get; set; }

    /// <summary>Keep the input active until a reset, even after the contact returns (GB 50394 for panic buttons).</summary>
    /// <value>Default: true for <see cref="InputKind.Panic"/>, false otherwise.</value>
    public bool? Latch { get; set; }

    /// <summary>Where the input is, in words the center shows an operator.</summary>
    public string Location { get; set; } = "";

    /// <summary>Whether the input latches, after applying the per-kind default.</summary>
    public bool Latches => Latch ?? Kind == InputKind.Panic;

    /// <summary>The raw line level that means "active", from the contact type and the bias.</summary>
    /// <remarks>
    /// NO with pull-up: the switch pulls the line to ground when pressed (active low).
    /// NC with pull-up: the line is held at ground until the contact opens (active high).
    /// A pull-down inverts both; <see cref="PullMode.None"/> assumes an external pull-up.
    /// </remarks>
    public bool ActiveHigh => (Contact == ContactType.NO) == (Pull == PullMode.Down);
}

/// <summary>The <c>Inputs</c> array of the configuration.</summary>
public sealed class InputsOptions
{
    public List<InputOptions> Inputs { get; set; } = [];
}
