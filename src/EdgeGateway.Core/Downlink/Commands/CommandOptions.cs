namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>The <c>Commands</c> section: limits on the center's commands (<c>…/cmd</c>).</summary>
public sealed class CommandOptions
{
    public const string Section = "Commands";

    /// <summary>Larger commands are refused (<c>too-large</c>) before they are parsed.</summary>
    /// <value>Default 4096 bytes.</value>
    public int MaxPayloadBytes { get; set; } = 4096;

    /// <summary>A command whose <c>ts</c> is older than this, or this far in the future, is refused (<c>stale</c>).</summary>
    /// <value>Default 120 seconds.</value>
    public int MaxAgeSeconds { get; set; } = 120;

    /// <summary>How long <c>test-mode</c> on lasts when the command gives no <c>timeoutSeconds</c>.</summary>
    /// <value>Default 3600 seconds.</value>
    public int TestModeDefaultSeconds { get; set; } = 3600;

    /// <summary>The longest <c>timeoutSeconds</c> a <c>test-mode</c> command may ask for.</summary>
    /// <value>Default 14400 seconds (4 hours).</value>
    public int TestModeMaxSeconds { get; set; } = 14_400;

    /// <summary>Commands waiting to be handled; more are dropped with a warning (a flood cannot grow memory).</summary>
    /// <value>Default 16.</value>
    public int QueueCapacity { get; set; } = 16;

    /// <summary>
    /// Sustained commands per minute; bursts up to <see cref="QueueCapacity"/>. Beyond it commands are dropped
    /// unanswered, so a flood costs neither CPU nor uplink bandwidth that alarms need.
    /// </summary>
    /// <value>Default 60.</value>
    public int MaxPerMinute { get; set; } = 60;
}
