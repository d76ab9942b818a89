using System.Collections.Concurrent;

namespace EdgeGateway.Core.Health;

/// <summary>
/// Last heartbeat of each long-running loop, by component name. A loop calls <see cref="Beat"/> every time it comes
/// round; the systemd watchdog asks <see cref="IsAlive"/> before telling systemd the process is healthy, so a loop
/// that is stuck (not merely idle) gets the service restarted.
/// </summary>
public sealed class LivenessRegistry(TimeProvider time)
{
    /// <summary>The input monitor loop (it wakes at least every <c>Gpio:PollIntervalMs</c>).</summary>
    public const string Inputs = "inputs";

    /// <summary>The outbox forwarder loop (it wakes on every append and on the watchdog's periodic nudge).</summary>
    public const string Forwarder = "forwarder";

    private readonly ConcurrentDictionary<string, long> _beats = new(StringComparer.Ordinal);

    /// <summary>Records that <paramref name="component"/> has just come round its loop.</summary>
    public void Beat(string component) => _beats[component] = time.GetTimestamp();

    /// <summary>Time since the last beat of <paramref name="component"/>, or null if it never beat.</summary>
    public TimeSpan? SinceLastBeat(string component) =>
        _beats.TryGetValue(component, out var at) ? time.GetElapsedTime(at) : null;

    /// <summary>True when <paramref name="component"/> beat within <paramref name="within"/>.</summary>
    public bool IsAlive(string component, TimeSpan within) => SinceLastBeat(component) is { } age && age <= within;
}
