using System.Globalization;
using EdgeGateway.Core.Health;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Host;

/// <summary>The watchdog interval systemd asked for (<c>WatchdogSec=</c> → <c>WATCHDOG_USEC</c>, <c>WATCHDOG_PID</c>).</summary>
public sealed record WatchdogTiming(TimeSpan Interval)
{
    /// <summary>How often a healthy gateway pings: half the interval, as sd_watchdog_enabled(3) recommends.</summary>
    public TimeSpan PingPeriod => Interval / 2;

    /// <summary>How soon to look again after a failed check, so one late beat does not cost the ping.</summary>
    public TimeSpan RecheckPeriod => Interval / 10;

    /// <summary>
    /// The interval from <c>WATCHDOG_USEC</c>, or null when systemd did not ask for a watchdog, or asked another
    /// process (<c>WATCHDOG_PID</c> is not ours).
    /// </summary>
    public static WatchdogTiming? FromEnvironment(Func<string, string?> variable, int processId)
    {
        if (!long.TryParse(variable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec <= 0)
        {
            return null;
        }

        if (variable("WATCHDOG_PID") is { Length: > 0 } pid
            && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var watched) || watched != processId))
        {
            return null;
        }

        return new WatchdogTiming(TimeSpan.FromMicroseconds(usec));
    }
}

/// <summary>
/// Sends <c>WATCHDOG=1</c> to systemd only while the input monitor and the outbox forwarder both came round their
/// loops within the watchdog interval and no <see cref="SupervisedLoop"/> has failed beyond in-process recovery
/// (<see cref="LoopStatus.Failed"/>), so a hung or hopeless loop gets the service restarted instead of hidden by a
/// timer that pings regardless. A loop that faults and is restarted in process does not stop the pings. The forwarder sleeps until something is appended, so each check first nudges it awake
/// (<see cref="Core.Outbox.OutboxSignal"/>); while the uplink is down it waits for a session, which is not a hang.
/// Also keeps <c>STATUS=</c> (shown by <c>systemctl status</c>) up to date.
/// </summary>
public sealed partial class SystemdWatchdog(
    WatchdogTiming? timing,
    ISystemdNotifier? notifier,
    LivenessRegistry liveness,
    LoopSupervision loops,
    Func<bool> uplinkConnected,
    Action nudgeForwarder,
    TimeProvider time,
    ILogger<SystemdWatchdog> logger) : SupervisedLoop
{
    private string? _status;

    /// <summary>True when the watchdog is on: systemd asked for it and a notify socket is there.</summary>
    public bool Enabled => timing is not null && notifier is { IsEnabled: true };

    /// <summary>
    /// One check: nudges the forwarder (so it beats before the next check), then pings if both loops are alive and no
    /// supervised loop has failed for good.
    /// Returns whether it pinged.
    /// </summary>
    public bool Tick()
    {
        if (!Enabled)
        {
            return false;
        }

        var staleAfter = timing!.Interval;
        var inputsAge = liveness.SinceLastBeat(LivenessRegistry.Inputs);
        var forwarderAge = liveness.SinceLastBeat(LivenessRegistry.Forwarder);
        var connected = uplinkConnected();
        var inputsAlive = inputsAge <= staleAfter;
        // Waiting for a broker session is not a hang; the connection loop keeps trying on its own.
        var forwarderAlive = !connected || forwarderAge <= staleAfter;
        var failed = loops.Unrecoverable();
        nudgeForwarder();

        string status;
        var healthy = inputsAlive && forwarderAlive && failed.Count == 0;
        if (healthy)
        {
            notifier!.Notify(new ServiceState("WATCHDOG=1"));
            status = connected ? "inputs live; uplink connected, forwarder live" : "inputs live; uplink connecting";
        }
        else
        {
            status = $"watchdog withheld: {(inputsAlive ? "" : $"input loop silent for {Describe(inputsAge)} ")}{(forwarderAlive ? "" : $"forwarder silent for {Describe(forwarderAge)} ")}{Describe(failed)}".TrimEnd();
            if (status != _status)
            {
                Withheld(logger, status);
            }
        }

        if (status != _status)
        {
            _status = status;
            notifier!.Notify(new ServiceState("STATUS=" + status));
        }

        return healthy;
    }

    protected override async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        WatchdogOn(logger, timing!.Interval.TotalSeconds, timing.PingPeriod.TotalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var pinged = Tick();
            try
            {
                await Task.Delay(pinged ? timing.PingPeriod : timing.RecheckPeriod, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string Describe(TimeSpan? age) => age is { } a ? $"{a.TotalSeconds:0.#} s" : "ever";

    private static string Describe(IReadOnlyList<LoopStatus> failed) =>
        string.Join(" ", failed.Select(l => $"{l.Name} cannot recover ({l.FailuresInARow} faults in a row, last: {l.LastError})"));

    [LoggerMessage(5001, LogLevel.Information, "systemd watchdog on: interval {IntervalSeconds} s, WATCHDOG=1 every {PingSeconds} s while the input loop and the forwarder are alive")]
    private static partial void WatchdogOn(ILogger logger, double intervalSeconds, double pingSeconds);

    [LoggerMessage(5002, LogLevel.Error, "{Status}; systemd will restart the gateway if this lasts")]
    private static partial void Withheld(ILogger logger, string status);
}
