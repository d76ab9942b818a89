using EdgeGateway.Core.Duty;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Tests.Rigs;
using EdgeGateway.Core.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Duty;

public sealed class DutyWatchTests : IDisposable
{
    private readonly RecorderRig _rig = new();
    private readonly AckRig _acks = new();
    private readonly RecordingOutputLines _lines;
    private readonly DutyWatch _watch;

    public DutyWatchTests()
    {
        _lines = new RecordingOutputLines(_rig.Time);
        var inputs = new InputsOptions
        {
            Inputs =
            [
                new InputOptions { Id = "gate-duty", Pin = 24, Kind = EventKind.Duty, CheckInIntervalSeconds = 900, CheckInSounder = true, Location = "Gatehouse" },
                new InputOptions { Id = "office-panic", Pin = 17, Kind = EventKind.Panic },
            ],
        };
        var escalation = new LocalEscalation(_lines, _acks.Acks, NullLogger<LocalEscalation>.Instance);
        _watch = new DutyWatch(Options.Create(inputs), _rig.Recorder, _rig.Time, NullLogger<DutyWatch>.Instance, escalation: escalation);
        _watch.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _watch.Dispose();
        _acks.Dispose();
    }

    [Fact]
    public void PressedWithinEveryInterval_RaisesNothing()
    {
        for (var i = 0; i < 4; i++)
        {
            _rig.Time.Advance(TimeSpan.FromMinutes(14));
            _watch.CheckIn("gate-duty");
        }

        _rig.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Empty(_rig.Summaries);
    }

    [Fact]
    public void NoPressForTheInterval_IsADutyMissedAlarm_WithTheSounder_RestoredByTheNextPress()
    {
        _rig.Time.Advance(TimeSpan.FromMinutes(10));
        _watch.CheckIn("gate-duty");
        _rig.Time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.Empty(_rig.Summaries);

        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["gate-duty fault active"], _rig.Summaries);
        var missed = _rig.Entries.Single();
        Assert.Equal(Lane.Alarm, missed.Lane);
        Assert.Contains("\"fault\":\"duty-missed\"", System.Text.Encoding.UTF8.GetString(missed.Payload), StringComparison.Ordinal);
        Assert.Contains("\"lastCheckIn\":\"2026-11-29T05:10:00.000Z\"", System.Text.Encoding.UTF8.GetString(missed.Payload), StringComparison.Ordinal);
        Assert.True(_lines.IsOn(OutputRole.Sounder));

        _rig.Time.Advance(TimeSpan.FromHours(2));
        Assert.Single(_rig.Summaries);

        _watch.CheckIn("gate-duty");
        Assert.Equal(["gate-duty fault active", "gate-duty fault restored"], _rig.Summaries);
        Assert.Contains("\"overdueSeconds\":\"7200\"", System.Text.Encoding.UTF8.GetString(_rig.Entries[^1].Payload), StringComparison.Ordinal);
        Assert.False(_lines.IsOn(OutputRole.Sounder));
    }

    [Fact]
    public void FirstInterval_RunsFromTheStart()
    {
        _rig.Time.Advance(TimeSpan.FromMinutes(15));

        Assert.Equal(["gate-duty fault active"], _rig.Summaries);
        Assert.Contains("\"lastCheckIn\":\"none\"", System.Text.Encoding.UTF8.GetString(_rig.Entries[0].Payload), StringComparison.Ordinal);
    }
}
