using EdgeGateway.Core.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Inputs;

/// <summary>
/// A hosted watch over the activations of one kind of input (from the <see cref="InputMonitor"/>'s transitions) and
/// one timer, all under one lock. A fault in it is logged and never thrown into the timer or the input loop: the watch
/// goes on at its next activation or tick. The patrol rounds and the duty check-ins are such watches.
/// </summary>
public abstract class ActivationWatch : IHostedService, IDisposable
{
    private readonly EventKind _kind;
    private readonly ILogger _logger;
    private readonly InputMonitor? _monitor;
    private readonly Lock _lock = new();

    protected ActivationWatch(EventKind kind, TimeProvider time, ILogger logger, InputMonitor? monitor)
    {
        ArgumentNullException.ThrowIfNull(time);
        _kind = kind;
        _logger = logger;
        _monitor = monitor;
        Time = time;
        Timer = time.CreateTimer(_ => Guarded(Tick), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    protected TimeProvider Time { get; }

    /// <summary>The watch's one timer; <see cref="Tick"/> sets it again.</summary>
    protected ITimer Timer { get; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Guarded(() =>
        {
            if (!Begin())
            {
                return;
            }

            if (_monitor is not null)
            {
                _monitor.Transitioned += OnTransition;
            }

            Tick();
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_monitor is not null)
        {
            _monitor.Transitioned -= OnTransition;
        }

        Timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Timer.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>An input of the watched kind became active (a test press too); called under the lock.</summary>
    protected abstract void Activated(string inputId);

    /// <summary>The timer is due (and once at start); called under the lock.</summary>
    protected abstract void Tick();

    /// <summary>At start, under the lock: what to take up; false when there is nothing to watch.</summary>
    protected abstract bool Begin();

    /// <summary>Runs <paramref name="action"/> under the lock; a fault in it is logged, not thrown.</summary>
    protected void Guarded(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            lock (_lock)
            {
                action();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.WatchFailed(_logger, GetType().Name, ex);
        }
    }

    private void OnTransition(InputChannel channel, EventState state)
    {
        if (channel.Options.Kind == _kind && state == EventState.Active)
        {
            Guarded(() => Activated(channel.Options.Id));
        }
    }
}
