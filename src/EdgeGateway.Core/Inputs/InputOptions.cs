using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Inputs;

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

    /// <value>Default <see cref="EventKind.Generic"/>.</value>
    public EventKind Kind { get; set; } = EventKind.Generic;

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
    /// <value>Default: true for <see cref="EventKind.Panic"/>, false otherwise.</value>
    public bool? Latch { get; set; }

    /// <summary>Where the input is, in words the center shows an operator.</summary>
    public string Location { get; set; } = "";

    /// <summary>
    /// Swinger shutdown: this many activations within <see cref="SwingerWindowSeconds"/> report one <c>fault</c> and
    /// suppress the input until it has been quiet for <see cref="SwingerQuietSeconds"/>. 0 turns it off.
    /// Panic inputs still report their alarm (the latch already limits them to one per reset).
    /// </summary>
    /// <value>Default 10.</value>
    public int MaxActivations { get; set; } = 10;

    /// <summary>The window <see cref="MaxActivations"/> counts in.</summary>
    /// <value>Default 60 s.</value>
    public int SwingerWindowSeconds { get; set; } = 60;

    /// <summary>How long a shut-down input must stay without activations before it is reported restored and resumes.</summary>
    /// <value>Default 300 s.</value>
    public int SwingerQuietSeconds { get; set; } = 300;

    /// <summary>
    /// BCM GPIO of a second loop that supervises this input's wiring (an end-of-line sense or tamper loop in the same
    /// cable). Its activation reports <c>tamper</c> for this input: one GPIO alone cannot tell a cut wire from an open
    /// contact, a separate loop can.
    /// </summary>
    /// <value>Default null (no tamper loop).</value>
    public int? TamperPin { get; set; }

    /// <summary>Contact type of the tamper loop; the bias is the input's <see cref="Pull"/>.</summary>
    /// <value>Default <see cref="ContactType.NC"/>: the loop is closed while intact, so a cut opens it.</value>
    public ContactType TamperContact { get; set; } = ContactType.NC;

    /// <summary>
    /// A <see cref="EventKind.Duty"/> input must be pressed at least this often: a longer silence is a <c>duty-missed</c>
    /// fault on the alarm lane (a lone-worker check: an attacked guard cannot press a panic button, but stops pressing
    /// this one), restored by the next press. The first interval runs from the gateway's start.
    /// </summary>
    /// <value>Default 1800 s (30 min); 10-86400.</value>
    public int CheckInIntervalSeconds { get; set; } = 1800;

    /// <summary>A missed check-in of this <see cref="EventKind.Duty"/> input also turns the local <c>Sounder</c> on, until the next press (or <c>silence</c>).</summary>
    /// <value>Default false.</value>
    public bool CheckInSounder { get; set; }

    /// <summary>Whether the input latches, after applying the per-kind default.</summary>
    public bool Latches => Latch ?? Kind == EventKind.Panic;

    /// <summary>The raw line level that means "active", from the contact type and the bias.</summary>
    /// <remarks>
    /// NO with pull-up: the switch pulls the line to ground when pressed (active low).
    /// NC with pull-up: the line is held at ground until the contact opens (active high).
    /// A pull-down inverts both; <see cref="PullMode.None"/> assumes an external pull-up.
    /// </remarks>
    public bool ActiveHigh => (Contact == ContactType.NO) == (Pull == PullMode.Down);

    /// <summary>The tamper loop of this input as an input of its own, or null without <see cref="TamperPin"/>.</summary>
    public InputOptions? TamperLoop() => TamperPin is not { } pin ? null : new InputOptions
    {
        Id = Id,
        Pin = pin,
        Kind = EventKind.Tamper,
        Contact = TamperContact,
        Pull = Pull,
        DebounceMs = DebounceMs,
        Latch = false,
        Location = Location,
        MaxActivations = MaxActivations,
        SwingerWindowSeconds = SwingerWindowSeconds,
        SwingerQuietSeconds = SwingerQuietSeconds,
    };
}

/// <summary>The <c>Inputs</c> array of the configuration.</summary>
public sealed class InputsOptions
{
    public List<InputOptions> Inputs { get; set; } = [];
}
