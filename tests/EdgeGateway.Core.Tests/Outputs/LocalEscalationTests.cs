using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Tests.Rigs;
using EdgeGateway.Core.Tests.Support;

namespace EdgeGateway.Core.Tests.Outputs;

public sealed class LocalEscalationTests : IDisposable
{
    private const int EscalationOnEventId = 1405;
    private const int EscalationOffEventId = 1406;

    private readonly AckRig _rig = new();
    private readonly RecordingOutputLines _lines;
    private readonly RecordingLogger<LocalEscalation> _logger = new();
    private readonly LocalEscalation _escalation;
    private readonly CenterAcknowledgements _acks;

    public LocalEscalationTests()
    {
        _acks = _rig.Acks;
        _lines = new RecordingOutputLines(_rig.Time);
        _escalation = new LocalEscalation(_lines, _acks, _logger);
        _escalation.Start();
    }

    public void Dispose()
    {
        _escalation.Stop();
        _rig.Dispose();
    }

    [Fact]
    public void NoAck_SounderAndRelayOnAt40Seconds()
    {
        Publish("alarm-1");
        _rig.Time.Advance(TimeSpan.FromSeconds(20));
        _rig.Time.Advance(TimeSpan.FromSeconds(20) - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_lines.Writes);

        _rig.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([(40_000, true)], _lines.Sequence(OutputRole.Sounder));
        Assert.Equal([(40_000, true)], _lines.Sequence(OutputRole.Escalation));
        Assert.True(_escalation.IsActive);
        Assert.True(_escalation.IsSounding);
        Assert.Single(_logger.Records, r => r.EventId.Id == EscalationOnEventId);
    }

    [Fact]
    public void CenterAck_EndsTheEscalation()
    {
        Publish("alarm-1");
        Escalate();

        _rig.Time.Advance(TimeSpan.FromSeconds(5));
        _acks.OnAckMessage("""{"id":"alarm-1","by":"op"}"""u8);

        Assert.Equal([(40_000, true), (45_000, false)], _lines.Sequence(OutputRole.Sounder));
        Assert.Equal([(40_000, true), (45_000, false)], _lines.Sequence(OutputRole.Escalation));
        Assert.False(_escalation.IsActive);
        Assert.Single(_logger.Records, r => r.EventId.Id == EscalationOffEventId);
    }

    [Fact]
    public void AckedInTime_NeverEscalates()
    {
        Publish("alarm-1");
        _rig.Time.Advance(TimeSpan.FromSeconds(19));
        _acks.OnAckMessage("""{"id":"alarm-1"}"""u8);
        _rig.Time.Advance(TimeSpan.FromSeconds(30));
        _rig.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Empty(_lines.Writes);
    }

    [Fact]
    public void Silence_TurnsOnlyTheSounderOff_UntilTheNextEscalation()
    {
        Publish("alarm-1");
        Escalate();

        Assert.True(_escalation.Silence());
        Assert.False(_escalation.Silence());
        Assert.False(_lines.IsOn(OutputRole.Sounder));
        Assert.True(_lines.IsOn(OutputRole.Escalation));

        Publish("alarm-2");
        Escalate();

        Assert.True(_lines.IsOn(OutputRole.Sounder));
        Assert.True(_escalation.IsSounding);
    }

    [Fact]
    public void Silence_WithNothingSounding_ReturnsFalse()
    {
        Assert.False(_escalation.Silence());
        Assert.Empty(_lines.Writes);
    }

    [Fact]
    public void OneOfTwoEscalatedAlarmsAcked_EscalationStays()
    {
        Publish("alarm-1");
        Publish("alarm-2");
        Escalate();

        _acks.OnAckMessage("""{"id":"alarm-1"}"""u8);

        Assert.True(_lines.IsOn(OutputRole.Escalation));
        _acks.OnAckMessage("""{"id":"alarm-2"}"""u8);
        Assert.False(_lines.IsOn(OutputRole.Escalation));
    }

    private void Escalate() => _rig.Escalate();

    private void Publish(string id) => _rig.Publish(id);
}
