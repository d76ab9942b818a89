using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Tests.Rigs;
using EdgeGateway.Core.Tests.Support;

namespace EdgeGateway.Core.Tests.Outputs;

/// <summary>The exact on/off sequence of the status LED for each indication, under a fake clock.</summary>
public sealed class StatusLedTests : IDisposable
{
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(50);

    private readonly AckRig _rig = new();
    private readonly RecordingOutputLines _lines;
    private readonly CenterAcknowledgements _acks;
    private readonly StatusLed _led;
    private readonly List<LedIndication> _changes = [];
    private bool _pathUp = true;

    public StatusLedTests()
    {
        _acks = _rig.Acks;
        _lines = new RecordingOutputLines(_rig.Time);
        _led = new StatusLed(_lines, _acks, () => _pathUp, _rig.Time, new RecordingLogger<StatusLed>());
        _led.IndicationChanged += _changes.Add;
    }

    public void Dispose()
    {
        _led.Dispose();
        _rig.Dispose();
    }

    [Fact]
    public void Idle_HeartbeatBlip100MsEvery3Seconds()
    {
        _led.Start();
        Run(TimeSpan.FromSeconds(9));

        Assert.Equal(LedIndication.Idle, _led.Indication);
        Assert.Equal([(0, true), (100, false), (3000, true), (3100, false), (6000, true), (6100, false), (9000, true)], _lines.Sequence(OutputRole.StatusLed));
    }

    [Fact]
    public void NoPath_SlowBlinkOneSecondOnOneSecondOff()
    {
        _pathUp = false;
        _led.Start();
        Run(TimeSpan.FromSeconds(4));

        Assert.Equal(LedIndication.NoPath, _led.Indication);
        Assert.Equal([(0, true), (1000, false), (2000, true), (3000, false), (4000, true)], _lines.Sequence(OutputRole.StatusLed));
    }

    [Fact]
    public void WaitingForCenter_FastBlink200Ms()
    {
        Publish("alarm-1");
        _led.Start();
        Run(TimeSpan.FromSeconds(1));

        Assert.Equal(LedIndication.WaitingForCenter, _led.Indication);
        Assert.Equal([(0, true), (200, false), (400, true), (600, false), (800, true), (1000, false)], _lines.Sequence(OutputRole.StatusLed));
    }

    [Fact]
    public void Acknowledged_SteadyOnForTheIndicationTime_ThenHeartbeat()
    {
        Publish("alarm-1");
        _led.Start();
        Run(TimeSpan.FromMilliseconds(900));

        _acks.OnAckMessage("""{"id":"alarm-1","by":"op"}"""u8);
        Assert.Equal(LedIndication.Acknowledged, _led.Indication);
        Run(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(50));
        Assert.Equal(LedIndication.Acknowledged, _led.Indication);
        Run(TimeSpan.FromSeconds(3.2));

        // On from 800 ms (fast blink) through the 30 s steady indication, then the heartbeat: off at +100 ms, on at +3 s.
        Assert.Equal([(0, true), (200, false), (400, true), (600, false), (800, true), (31_000, false), (33_900, true), (34_000, false)], _lines.Sequence(OutputRole.StatusLed));
        Assert.Equal([LedIndication.Acknowledged, LedIndication.Idle], _changes);
    }

    [Fact]
    public void AlarmAcceptedWhilePathDown_ShowsNoPath_ThenWaitingOnceThePathIsBack()
    {
        _pathUp = false;
        _led.Start();
        _acks.Accepted([_rig.Entry("alarm-1")]);
        Run(TimeSpan.FromSeconds(1.5));
        Assert.Equal(LedIndication.NoPath, _led.Indication);

        _pathUp = true;
        Run(TimeSpan.FromSeconds(1));

        // The path is noticed at the next step (2000 ms), which starts the fast blink.
        Assert.Equal(LedIndication.WaitingForCenter, _led.Indication);
        Assert.Equal([(0, true), (1000, false), (2000, true), (2200, false), (2400, true)], _lines.Sequence(OutputRole.StatusLed));
        Assert.Equal([LedIndication.WaitingForCenter], _changes);
    }

    [Fact]
    public void WaitingBeatsAcknowledged_WhenAnotherAlarmIsStillOpen()
    {
        Publish("alarm-1");
        Publish("alarm-2");
        _led.Start();

        _acks.OnAckMessage("""{"id":"alarm-1"}"""u8);

        Assert.Equal(LedIndication.WaitingForCenter, _led.Indication);
        _acks.OnAckMessage("""{"id":"alarm-2"}"""u8);
        Assert.Equal(LedIndication.Acknowledged, _led.Indication);
    }

    [Fact]
    public void Stop_StopsThePattern()
    {
        _led.Start();
        _led.Stop();
        Run(TimeSpan.FromSeconds(10));

        Assert.Equal([(0, true)], _lines.Sequence(OutputRole.StatusLed));
    }

    private void Run(TimeSpan duration)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += s_tick)
        {
            _rig.Time.Advance(s_tick);
        }
    }

    private void Publish(string id) => _rig.Publish(id);
}
