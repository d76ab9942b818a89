namespace EdgeGateway.Core.Health;

/// <summary>
/// How a <see cref="SupervisedLoop"/> is restarted after a fault, and when it counts as unable to recover in process.
/// </summary>
public sealed record SupervisionPolicy
{
    /// <summary>1 s, doubling to 60 s; 8 failures in a row, none after a 60 s healthy run, means it cannot recover.</summary>
    public static SupervisionPolicy Default { get; } = new();

    /// <summary>The wait before the first restart.</summary>
    /// <value>Default 1 s.</value>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between restarts.</summary>
    /// <value>Default 60 s.</value>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Failures in a row after which the loop cannot recover in process: the systemd watchdog is withheld (the service
    /// is restarted). It keeps being restarted meanwhile, in case it does recover.
    /// </summary>
    /// <value>Default 8 (about 2 minutes of restarts: 1 + 2 + 4 + 8 + 16 + 32 + 60 s).</value>
    public int GiveUpAfterFailures { get; init; } = 8;

    /// <summary>A run at least this long is a healthy period: the failures before it no longer count.</summary>
    /// <value>Default 60 s.</value>
    public TimeSpan HealthyRun { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The wait before the next attempt after <paramref name="failuresInARow"/> failures (1 = the first).</summary>
    public TimeSpan Backoff(int failuresInARow)
    {
        var doublings = Math.Clamp(failuresInARow - 1, 0, 30);
        var delay = FirstBackoff * Math.Pow(2, doublings);
        return delay < MaxBackoff ? delay : MaxBackoff;
    }
}
