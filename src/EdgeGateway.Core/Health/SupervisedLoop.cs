using System.Text;
using Microsoft.Extensions.Hosting;

namespace EdgeGateway.Core.Health;

/// <summary>
/// A <see cref="BackgroundService"/> whose loop (<see cref="RunLoopAsync"/>) is restarted in process when it faults:
/// anything but the stop cancellation is logged, counted in <see cref="LoopSupervision"/> (health: restarts, last
/// error) and followed by a restart after a backoff on the supervision's clock (1 s doubling to 60 s). A fault never
/// ends the host. A loop that keeps failing (<see cref="SupervisionPolicy.GiveUpAfterFailures"/> in a row without a
/// healthy run) is reported <see cref="LoopStatus.Failed"/>, so the systemd watchdog is withheld and systemd restarts
/// the service.
/// </summary>
/// <remarks>
/// The host attaches its <see cref="LoopSupervision"/> before it starts any service
/// (<see cref="HealthServiceCollectionExtensions.AddLoopSupervision"/>), so the loops keep their own constructors.
/// A loop started without one (a unit test) is supervised all the same, on the system clock.
/// </remarks>
public abstract class SupervisedLoop : BackgroundService
{
    private LoopSupervision? _supervision;
    private LoopRecord? _record;

    /// <summary>The loop's name in health and logs: the class name in kebab case (<c>OutboxForwarder</c> → <c>outbox-forwarder</c>).</summary>
    public virtual string LoopName => KebabCase(GetType().Name);

    /// <summary>Where this loop reports; set by the host before start.</summary>
    public LoopSupervision Supervision
    {
        get => _supervision ??= new LoopSupervision(TimeProvider.System);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (ExecuteTask is not null)
            {
                throw new InvalidOperationException($"{LoopName} is already running under another supervision");
            }

            _supervision = value;
            _record = null;
        }
    }

    private LoopRecord Record => _record ??= Supervision.For(LoopName);

    /// <summary>One run of the loop, until <paramref name="stoppingToken"/> fires; throwing ends the run and restarts it.</summary>
    protected abstract Task RunLoopAsync(CancellationToken stoppingToken);

    /// <summary>This loop runs but without what it needs (its hardware, say); shown in health, never withholds the watchdog.</summary>
    protected void ReportUnavailable(string reason) => Record.Unavailable(reason);

    /// <summary>What <see cref="ReportUnavailable"/> reported is back.</summary>
    protected void ReportAvailable() => Record.Available();

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var supervision = Supervision;
        var record = Record;
        record.Started();
        while (true)
        {
            try
            {
                await RunLoopAsync(stoppingToken).ConfigureAwait(false);
                record.Stopped();
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                record.Stopped();
                return;
            }
            catch (Exception ex)
            {
                var (backoff, failures, givenUp) = record.Faulted(ex);
                if (givenUp)
                {
                    Log.LoopCannotRecover(supervision.Logger, LoopName, failures, supervision.Policy.HealthyRun.TotalSeconds, ex);
                }
                else
                {
                    Log.LoopFaulted(supervision.Logger, LoopName, failures, backoff.TotalSeconds, ex);
                }

                try
                {
                    await Task.Delay(backoff, supervision.Time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    record.Stopped();
                    return;
                }

                record.Restarted();
                Log.LoopRestarted(supervision.Logger, LoopName);
            }
        }
    }

    internal static string KebabCase(string name)
    {
        var kebab = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                kebab.Append('-');
            }

            kebab.Append(char.ToLowerInvariant(name[i]));
        }

        return kebab.ToString();
    }
}
