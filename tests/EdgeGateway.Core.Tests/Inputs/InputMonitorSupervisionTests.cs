using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Tests.Rigs;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Inputs;

/// <summary>The swinger shutdown through the running monitor, the recorder and an outbox, on a fake clock.</summary>
public sealed class InputMonitorSupervisionTests
{
    private readonly RecorderRig _rig = new();
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(25);

    private readonly FakeInputLines _lines = new();

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
            await _rig.RunUntilAsync(() => _rig.Entries.Count == (2 * i) + 1, s_step, timeout.Token);
            _lines.Set(22, high: false);
            if (i < 2)
            {
                await _rig.RunUntilAsync(() => _rig.Entries.Count == (2 * i) + 2, s_step, timeout.Token);
            }
        }

        await _rig.RunUntilAsync(() => _rig.Entries.Count == 5, s_step, timeout.Token);
        await _rig.RunUntilAsync(() => _rig.Entries.Count == 6, TimeSpan.FromSeconds(1), timeout.Token);
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
}
