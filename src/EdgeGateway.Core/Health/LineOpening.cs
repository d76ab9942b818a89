using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Health;

/// <summary>
/// Opening hardware lines that may not be there (libgpiod not installed, a wrong <c>Gpio:Chip</c>) without stopping the
/// gateway: the first failure records a <c>gpio</c> fault the center sees at once (<see cref="Fault"/>, with the reason
/// in the driver's words), the opening is retried with the supervision backoff (1 s doubling to 60 s), and the first
/// success after failures records the fault restored with the number of attempts. The inputs and the outputs each have one.
/// </summary>
/// <param name="part">What the lines are, for the log: <c>Inputs</c>, <c>Outputs</c>.</param>
/// <param name="fault">The <c>detail.fault</c> of the fault: <c>inputs-unavailable</c>, <c>outputs-unavailable</c>.</param>
/// <param name="recorder">Records the fault and its restore on the alarm lane.</param>
/// <param name="logger">The owner's logger.</param>
public sealed class LineOpening(string part, string fault, EventRecorder recorder, ILogger logger)
{
    /// <summary>The <c>input</c> of the faults raised while lines cannot be opened.</summary>
    public const string FaultSource = "gpio";

    private static readonly TimeSpan s_stepWhileWaiting = TimeSpan.FromSeconds(1);
    private volatile bool _open;
    private int _failures;

    /// <summary>The <c>detail.fault</c> of the fault (<c>inputs-unavailable</c>, <c>outputs-unavailable</c>).</summary>
    public string Fault => fault;

    /// <summary>Whether the lines are open (false while they cannot be, and the opening is being retried).</summary>
    public bool IsOpen => _open;

    /// <summary>Failed attempts so far.</summary>
    public int Failures => _failures;

    /// <summary>Opens the lines once. Returns the failure (counted, and the fault recorded at the first), or null when open.</summary>
    public Exception? TryOpen(Action open, SupervisionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(policy);
        if (_open)
        {
            return null;
        }

        try
        {
            open();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _failures++;
            Log.LinesUnavailable(logger, part, ex.Message, policy.Backoff(_failures).TotalSeconds);
            if (_failures == 1)
            {
                recorder.RecordFault(FaultSource, EventState.Active, new Dictionary<string, string>
                {
                    ["fault"] = fault,
                    ["reason"] = ex.Message,
                });
            }

            return ex;
        }

        _open = true;
        if (_failures > 0)
        {
            Log.LinesRecovered(logger, part, _failures + 1, fault);
            recorder.RecordFault(FaultSource, EventState.Restored, new Dictionary<string, string>
            {
                ["fault"] = fault,
                ["attempts"] = (_failures + 1).ToString(CultureInfo.InvariantCulture),
            });
        }

        return null;
    }

    /// <summary>
    /// Retries <paramref name="open"/> until the lines are open, waiting the backoff between attempts in steps of at most
    /// a second, with <paramref name="waiting"/> called at every step (a loop beats: waiting for hardware is not a hang)
    /// and <paramref name="failed"/> at every failure.
    /// </summary>
    public async Task OpenAsync(Action open, SupervisionPolicy policy, TimeProvider time, Action? waiting, Action<Exception>? failed, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(policy);
        while (!_open)
        {
            var retryAt = time.GetTimestamp();
            var backoff = policy.Backoff(_failures);
            while (time.GetElapsedTime(retryAt) < backoff)
            {
                waiting?.Invoke();
                var wait = backoff - time.GetElapsedTime(retryAt);
                await Task.Delay(wait < s_stepWhileWaiting ? wait : s_stepWhileWaiting, time, stoppingToken);
            }

            if (TryOpen(open, policy) is { } error)
            {
                failed?.Invoke(error);
            }
        }
    }
}
