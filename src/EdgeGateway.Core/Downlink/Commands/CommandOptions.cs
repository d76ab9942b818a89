namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>The <c>Commands</c> section: limits on the center's commands (<c>…/cmd</c>) and on test mode.</summary>
public sealed class CommandOptions
{
    public const string Section = "Commands";

    /// <summary>Larger commands are refused (<c>too-large</c>) before they are parsed.</summary>
    /// <value>Default 4096 bytes (256-262144).</value>
    public int MaxPayloadBytes { get; set; } = 4096;

    /// <summary>
    /// A command is fresh when its MQTT 5 message expiry (as the broker delivers it) is at most this, or, while the
    /// clock is synchronised, its <c>ts</c> is at most this far either way from now; otherwise it is <c>stale</c>.
    /// </summary>
    /// <value>Default 120 seconds (5-86400).</value>
    public int MaxAgeSeconds { get; set; } = 120;

    /// <summary>How long <c>test-mode</c> on lasts when the command gives no <c>timeoutSeconds</c>.</summary>
    /// <value>Default 3600 seconds (60 to <see cref="TestModeMaxSeconds"/>).</value>
    public int TestModeDefaultSeconds { get; set; } = 3600;

    /// <summary>
    /// The hard maximum of test mode: it ends by itself at most this long after it went on, however often it is
    /// turned on again meanwhile; also the longest <c>timeoutSeconds</c> a command may ask for.
    /// </summary>
    /// <value>Default 7200 seconds (2 hours; 60-21600).</value>
    public int TestModeMaxSeconds { get; set; } = 7200;

    /// <summary>
    /// A panic input under test held this long is reported as a real alarm (and leaves the test), so an emergency
    /// during a drill still reaches a person.
    /// </summary>
    /// <value>Default 5 seconds (2-60).</value>
    public int TestModePanicHoldSeconds { get; set; } = 5;

    /// <summary>Command ids remembered (in the data directory, across restarts) to recognise redeliveries.</summary>
    /// <value>Default 256 (16-4096).</value>
    public int RememberedIds { get; set; } = 256;

    /// <summary>A remembered command id is forgotten after this long.</summary>
    /// <value>Default 24 hours (1-168).</value>
    public int RememberedIdHours { get; set; } = 24;

    /// <summary>Commands waiting to be handled; more are dropped with a warning (a flood cannot grow memory).</summary>
    /// <value>Default 16 (1-1024).</value>
    public int QueueCapacity { get; set; } = 16;

    /// <summary>
    /// Sustained commands per minute; bursts up to <see cref="QueueCapacity"/>. Beyond it commands are dropped
    /// unanswered, so a flood costs neither CPU nor uplink bandwidth that alarms need.
    /// </summary>
    /// <value>Default 60 (1-6000).</value>
    public int MaxPerMinute { get; set; } = 60;
}
