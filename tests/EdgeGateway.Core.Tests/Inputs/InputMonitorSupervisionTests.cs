using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Tests.Rigs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Inputs;

/// <summary>The swinger shutdown through the running monitor, the recorder and an outbox, on a fake clock.</summary>
public sealed class InputMonitorSupervisionTests
{
    private readonly RecorderRig _rig = new();
    private readonly Lines _lines = new();

    [Fact]
    public async Task FlappingDoor_StoresOneFaultOnTheAlarmLaneThenItsRestore()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var door = new InputOptions
        {
            Id = "gate-door", Pin = 22, Kind = EventKind.Door, Contact = ContactType.NC, Location = "School gate",
            MaxActivations = 3, SwingerWindowSeconds = 60, SwingerQuietSeconds = 120,
        };
        using var sut = new InputMonitor(
            _lines, _rig.Recorder, Options.Create(new InputsOptions { Inputs = [door] }), Options.Create(new GpioOptions()),
            _rig.Time, NullLogger<InputMonitor>.Instance, new LivenessRegistry(_rig.Time));
        await sut.StartAsync(timeout.Token);

        for (var i = 0; i < 3; i++)
        {
            _lines.Set(22, high: true);
            await RunUntilAsync(() => _rig.Entries.Count == (2 * i) + 1, timeout.Token);
            _lines.Set(22, high: false);
            if (i < 2)
            {
                await RunUntilAsync(() => _rig.Entries.Count == (2 * i) + 2, timeout.Token);
            }
        }

        await RunUntilAsync(() => _rig.Entries.Count == 5, timeout.Token);
        await RunUntilAsync(() => _rig.Entries.Count == 6, timeout.Token, step: TimeSpan.FromSeconds(1));
        await sut.StopAsync(timeout.Token);

        var fault = _rig.Entries[4];
        Assert.Equal(("alarm", Lane.Alarm), (fault.TopicLeaf, fault.Lane));
        using var json = JsonDocument.Parse(fault.Payload);
        var detail = json.RootElement.GetProperty("detail");
        Assert.Equal(("flapping", "3", "60", "true", "120"), (
            detail.GetProperty("fault").GetString(), detail.GetProperty("activations").GetString(), detail.GetProperty("windowSeconds").GetString(),
            detail.GetProperty("suppressed").GetString(), detail.GetProperty("quietSeconds").GetString()));
        Assert.Equal(
            ["gate-door door active", "gate-door door restored", "gate-door door active", "gate-door door restored", "gate-door fault active", "gate-door fault restored"],
            _rig.Summaries);
    }

    /// <summary>Advances the fake clock in small steps, letting the monitor loop run between them, until <paramref name="done"/>.</summary>
    private async Task RunUntilAsync(Func<bool> done, CancellationToken cancellationToken, TimeSpan? step = null)
    {
        while (!done())
        {
            _rig.Time.Advance(step ?? TimeSpan.FromMilliseconds(25));

            // A real-time pause so the monitor's thread-pool loop can take its turn; the gateway's clock stays fake.
            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System, cancellationToken);
        }
    }

    private sealed class Lines : IInputLines
    {
        private readonly Dictionary<int, bool> _levels = [];
        private readonly Lock _lock = new();
        private Action<int, bool>? _onEdge;

        public void Open(IReadOnlyList<InputOptions> inputs, Action<int, bool> onEdge)
        {
            lock (_lock)
            {
                foreach (var input in inputs)
                {
                    _levels[input.Pin] = !input.ActiveHigh;
                }

                _onEdge = onEdge;
            }
        }

        public bool Read(int pin)
        {
            lock (_lock)
            {
                return _levels.GetValueOrDefault(pin);
            }
        }

        public void Set(int pin, bool high)
        {
            lock (_lock)
            {
                _levels[pin] = high;
            }

            _onEdge?.Invoke(pin, high);
        }
    }
}
