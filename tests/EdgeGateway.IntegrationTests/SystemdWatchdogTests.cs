using EdgeGateway.Core.Health;
using EdgeGateway.Host;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.IntegrationTests;

/// <summary>The watchdog's decision, driven by a fake clock and a fake notifier.</summary>
public sealed class SystemdWatchdogTests
{
    private static readonly WatchdogTiming s_timing = new(TimeSpan.FromSeconds(30));
    private readonly FakeTimeProvider _time = new();
    private readonly FakeNotifier _notifier = new();
    private readonly LivenessRegistry _liveness;
    private readonly LoopSupervision _loops;
    private bool _connected = true;
    private int _nudges;

    public SystemdWatchdogTests()
    {
        _liveness = new LivenessRegistry(_time);
        _loops = new LoopSupervision(_time);
    }

    [Theory]
    [InlineData("30000000", null, 30)]
    [InlineData("4000000", "4242", 4)]
    public void FromEnvironment_WatchdogUsecForThisProcess_GivesTheInterval(string usec, string? pid, int seconds)
    {
        var timing = WatchdogTiming.FromEnvironment(name => name == "WATCHDOG_USEC" ? usec : name == "WATCHDOG_PID" ? pid : null, 4242);

        Assert.Equal(TimeSpan.FromSeconds(seconds), timing!.Interval);
        Assert.Equal(TimeSpan.FromSeconds(seconds) / 2, timing.PingPeriod);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("0", null)]
    [InlineData("abc", null)]
    [InlineData("30000000", "1")]
    public void FromEnvironment_NoWatchdogOrAnotherProcess_IsOff(string? usec, string? pid)
    {
        Assert.Null(WatchdogTiming.FromEnvironment(name => name == "WATCHDOG_USEC" ? usec : name == "WATCHDOG_PID" ? pid : null, 4242));
    }

    [Fact]
    public void Tick_BothLoopsBeatRecently_SendsWatchdogAndStatus_AndNudgesTheForwarder()
    {
        var watchdog = Create();
        _liveness.Beat(LivenessRegistry.Inputs);
        _liveness.Beat(LivenessRegistry.Forwarder);
        _time.Advance(TimeSpan.FromSeconds(29));

        Assert.True(watchdog.Tick());

        Assert.Equal(["WATCHDOG=1", "STATUS=inputs live; uplink connected, forwarder live"], _notifier.Sent);
        Assert.Equal(1, _nudges);
    }

    [Fact]
    public void Tick_InputLoopSilentLongerThanTheInterval_WithholdsWatchdog_AndSaysWhy()
    {
        var watchdog = Create();
        _liveness.Beat(LivenessRegistry.Inputs);
        _time.Advance(TimeSpan.FromSeconds(31));
        _liveness.Beat(LivenessRegistry.Forwarder);

        Assert.False(watchdog.Tick());

        Assert.DoesNotContain("WATCHDOG=1", _notifier.Sent);
        Assert.Equal(["STATUS=watchdog withheld: input loop silent for 31 s"], _notifier.Sent);
    }

    [Fact]
    public void Tick_ForwarderSilentWhileConnected_Withholds_ButWaitingForABrokerIsNotAHang()
    {
        var watchdog = Create();
        _liveness.Beat(LivenessRegistry.Forwarder);
        _time.Advance(TimeSpan.FromSeconds(40));
        _liveness.Beat(LivenessRegistry.Inputs);

        Assert.False(watchdog.Tick());
        _connected = false;
        Assert.True(watchdog.Tick());

        Assert.Equal(["STATUS=watchdog withheld: forwarder silent for 40 s", "WATCHDOG=1", "STATUS=inputs live; uplink connecting"], _notifier.Sent);
    }

    [Fact]
    public async Task Run_PingsEveryHalfInterval_AndStopsOnceTheInputLoopHangs()
    {
        using var watchdog = Create();
        _liveness.Beat(LivenessRegistry.Inputs);
        _liveness.Beat(LivenessRegistry.Forwarder);
        await watchdog.StartAsync(CancellationToken.None);

        // One healthy minute: a ping at start and one every 15 s.
        await RunSecondsAsync(60, beatInputs: true);
        var healthyPings = _notifier.Pings;
        // The input loop hangs. Its last beat stays within the 30 s interval for one more tick, then no pings.
        await RunSecondsAsync(31, beatInputs: false);
        var pingsAtHang = _notifier.Pings;
        await RunSecondsAsync(30, beatInputs: false);
        await watchdog.StopAsync(CancellationToken.None);

        Assert.InRange(healthyPings, 4, 5);
        Assert.InRange(pingsAtHang - healthyPings, 0, 2);
        Assert.Equal(pingsAtHang, _notifier.Pings);
        Assert.Contains(_notifier.Sent, s => s.StartsWith("STATUS=watchdog withheld: input loop silent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tick_ALoopRestartedInProcess_StillPings_OneThatCannotRecover_Withholds()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watchdog = Create();
        using var loop = new AlwaysFaultingLoop { Supervision = _loops };
        await loop.StartAsync(timeout.Token);
        await GatewayProcess.WaitUntilAsync(() => _loops.Snapshot().Any(l => l.State == LoopStatus.Restarting), TimeSpan.FromSeconds(10), timeout.Token);
        _liveness.Beat(LivenessRegistry.Inputs);
        _liveness.Beat(LivenessRegistry.Forwarder);

        Assert.True(watchdog.Tick());

        while (_loops.Unrecoverable().Count == 0)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System, timeout.Token);
        }

        _liveness.Beat(LivenessRegistry.Inputs);
        _liveness.Beat(LivenessRegistry.Forwarder);
        Assert.False(watchdog.Tick());
        Assert.Contains(
            "STATUS=watchdog withheld: always-faulting-loop cannot recover (8 faults in a row, last: InvalidOperationException: broken for good)",
            _notifier.Sent);
        await loop.StopAsync(timeout.Token);
    }

    [Fact]
    public void Tick_NotUnderSystemd_DoesNothing()
    {
        using var watchdog = new SystemdWatchdog(null, _notifier, _liveness, _loops, () => true, () => _nudges++, _time, NullLogger<SystemdWatchdog>.Instance);

        Assert.False(watchdog.Enabled);
        Assert.False(watchdog.Tick());
        Assert.Empty(_notifier.Sent);
    }

    private SystemdWatchdog Create() =>
        new(s_timing, _notifier, _liveness, _loops, () => _connected, () => _nudges++, _time, NullLogger<SystemdWatchdog>.Instance);

    /// <summary>Advances the fake clock a second at a time (the forwarder always beats), giving the loop real time to run.</summary>
    private async Task RunSecondsAsync(int seconds, bool beatInputs)
    {
        for (var i = 0; i < seconds; i++)
        {
            if (beatInputs)
            {
                _liveness.Beat(LivenessRegistry.Inputs);
            }

            _liveness.Beat(LivenessRegistry.Forwarder);
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }
    }

    private sealed class FakeNotifier : ISystemdNotifier
    {
        private readonly List<string> _sent = [];

        public bool IsEnabled => true;

        public IReadOnlyList<string> Sent
        {
            get
            {
                lock (_sent)
                {
                    return [.. _sent];
                }
            }
        }

        public int Pings => Sent.Count(s => s == "WATCHDOG=1");

        public void Notify(ServiceState state)
        {
            lock (_sent)
            {
                _sent.Add(state.ToString());
            }
        }
    }

    private sealed class AlwaysFaultingLoop : SupervisedLoop
    {
        protected override Task RunLoopAsync(CancellationToken stoppingToken) => throw new InvalidOperationException("broken for good");
    }
}
