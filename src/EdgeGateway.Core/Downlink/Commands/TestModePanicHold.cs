using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>
/// A real emergency during a drill still reaches a person: while test mode is on, a panic input under test that is
/// held down for <see cref="CommandOptions.TestModePanicHoldSeconds"/> is taken out of the test and reported again as
/// a real alarm (a new event, <c>detail.reason</c> <c>held-during-test</c>); its later events are real too. Checked
/// every <see cref="CheckInterval"/> while test mode is on, so the real alarm follows within the hold time plus one
/// second. (A panic on an input not under test is real anyway: <see cref="TestModeState.Covers"/>.)
/// </summary>
public sealed class TestModePanicHold(
    InputMonitor inputs,
    TestModeSwitch testMode,
    EventRecorder recorder,
    IOptions<CommandOptions> options,
    TimeProvider time,
    ILogger<TestModePanicHold> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>The <c>detail.reason</c> of the real alarm.</summary>
    public const string HeldReason = "held-during-test";

    private readonly TimeSpan _hold = TimeSpan.FromSeconds(options.Value.TestModePanicHoldSeconds);
    private readonly Dictionary<string, long> _heldSince = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _timer ??= time.CreateTimer(_ => Check(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        testMode.Changed += OnTestModeChanged;
        OnTestModeChanged();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        testMode.Changed -= OnTestModeChanged;
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnTestModeChanged()
    {
        lock (_lock)
        {
            var on = testMode.Current is not null;
            if (!on)
            {
                _heldSince.Clear();
            }

            _timer?.Change(on ? CheckInterval : Timeout.InfiniteTimeSpan, on ? CheckInterval : Timeout.InfiniteTimeSpan);
        }
    }

    private void Check()
    {
        try
        {
            ReleaseHeldPanics();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A timer callback that throws would end the process: the next check comes a second later.
            Log.TestModePanicCheckFailed(logger, ex);
        }
    }

    private void ReleaseHeldPanics()
    {
        var released = new List<InputChannel>();
        lock (_lock)
        {
            if (testMode.Current is not { } state)
            {
                return;
            }

            var now = time.GetTimestamp();
            foreach (var channel in inputs.Channels.Where(c => c.Options.Kind == EventKind.Panic))
            {
                var id = channel.Options.Id;
                if (!channel.IsHeld || !state.Covers(id))
                {
                    _heldSince.Remove(id);
                    continue;
                }

                if (!_heldSince.TryGetValue(id, out var since))
                {
                    _heldSince[id] = now;
                }
                else if (time.GetElapsedTime(since, now) >= _hold)
                {
                    _heldSince.Remove(id);
                    released.Add(channel);
                }
            }
        }

        foreach (var channel in released.Where(c => testMode.Release(c.Options.Id)))
        {
            Log.TestModePanicHeld(logger, channel.Options.Id, (int)_hold.TotalSeconds);
            recorder.Record([channel.EventOf(EventState.Active) with
            {
                Detail = new Dictionary<string, string>
                {
                    ["reason"] = HeldReason,
                    ["heldSeconds"] = ((int)_hold.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            }]);
        }
    }
}
