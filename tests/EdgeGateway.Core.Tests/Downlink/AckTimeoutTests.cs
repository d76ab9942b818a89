using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Tests.Rigs;
using EdgeGateway.Core.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Downlink;

/// <summary>The timeout ladder of <see cref="CenterAcknowledgements"/>: republish after one timeout, escalation after two.</summary>
public sealed class AckTimeoutTests : IDisposable
{
    private const int RepublishingEventId = 1401;
    private const int EscalatingEventId = 1402;
    private const int EscalationEndedEventId = 1403;
    private const int TrackingFullEventId = 1404;
    private const int UnknownAckEventId = 1005;

    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(1);

    private readonly AckRig _rig = new();
    private readonly FakeTimeProvider _time;
    private readonly RecordingLogger<CenterAcknowledgements> _logger;
    private readonly CenterAcknowledgements _acks;

    public AckTimeoutTests()
    {
        _time = _rig.Time;
        _logger = _rig.Log;
        _acks = _rig.Acks;
    }

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void NoAck_DueForRepublishAt20Seconds_WithTheSameEntry()
    {
        var alarm = Publish("alarm-1");

        _time.Advance(TimeSpan.FromSeconds(20) - s_tick);
        Assert.Empty(_acks.DueForRepublish());
        _time.Advance(s_tick);

        var due = Assert.Single(_acks.DueForRepublish());
        Assert.Same(alarm, due);
        Assert.Equal(alarm.Payload, due.Payload);
        Assert.Single(_logger.Records, r => r.EventId.Id == RepublishingEventId && r.Message.Contains("alarm-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WaitForRepublish_CompletesWhenAnAlarmFallsDue()
    {
        Publish("alarm-1");
        var waiting = _acks.WaitForRepublishAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(20));

        await waiting.WaitAsync(TimeSpan.FromSeconds(5), _time);
        Assert.True(waiting.IsCompletedSuccessfully);
    }

    [Fact]
    public void NoAck_EscalatesAt40Seconds_OnceRepublished()
    {
        var alarm = Publish("alarm-1");
        var changes = 0;
        _acks.Changed += () => changes++;
        _time.Advance(TimeSpan.FromSeconds(20));
        _acks.Republished(alarm);
        Assert.Empty(_acks.DueForRepublish());

        _time.Advance(TimeSpan.FromSeconds(20) - s_tick);
        Assert.Equal(0, _acks.Summary.Escalated);
        _time.Advance(s_tick);

        Assert.Equal(new AckSummary(Waiting: 1, Acknowledged: 0, Escalated: 1), _acks.Summary);
        Assert.Equal(1, changes);
        var log = Assert.Single(_logger.Records, r => r.EventId.Id == EscalatingEventId);
        Assert.Equal(LogLevel.Critical, log.Level);
        Assert.Contains("40 s", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoAck_EscalatesAt40Seconds_EvenIfTheRepublishCouldNotBeSent()
    {
        Publish("alarm-1");

        _rig.Escalate();

        Assert.Equal(1, _acks.Summary.Escalated);
        Assert.Single(_acks.DueForRepublish());
    }

    [Fact]
    public void AckBeforeTimeout_NoRepublishNoEscalation()
    {
        Publish("alarm-1");
        _time.Advance(TimeSpan.FromSeconds(3));

        _acks.OnAckMessage("""{"id":"alarm-1","by":"op"}"""u8);
        _time.Advance(TimeSpan.FromSeconds(25));

        Assert.Empty(_acks.DueForRepublish());
        Assert.Equal(0, _acks.Summary.Escalated);
        Assert.Equal(TimeSpan.FromSeconds(3), _acks.LastLatency);
        Assert.DoesNotContain(_logger.Records, r => r.EventId.Id is RepublishingEventId or EscalatingEventId);
    }

    [Fact]
    public void AckWhileRepublishIsDue_NothingIsRepublished()
    {
        Publish("alarm-1");
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Single(_acks.DueForRepublish());

        _acks.OnAckMessage("""{"id":"alarm-1"}"""u8);

        Assert.Empty(_acks.DueForRepublish());
        Assert.Equal(TimeSpan.FromSeconds(20), _acks.LastLatency);
    }

    [Fact]
    public void AckAfterEscalation_EndsIt()
    {
        var alarm = Publish("alarm-1");
        _time.Advance(TimeSpan.FromSeconds(20));
        _acks.Republished(alarm);
        _time.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(1, _acks.Summary.Escalated);

        _acks.OnAckMessage("""{"id":"alarm-1","by":"op"}"""u8);

        Assert.Equal(new AckSummary(Waiting: 0, Acknowledged: 1, Escalated: 0), _acks.Summary);
        Assert.Equal(TimeSpan.FromSeconds(45), _acks.LastLatency);
        Assert.Single(_logger.Records, r => r.EventId.Id == EscalationEndedEventId);
    }

    [Fact]
    public void AcknowledgedAlarm_IsForgottenAfterTheIndicationTime()
    {
        Publish("alarm-1");
        _acks.OnAckMessage("""{"id":"alarm-1"}"""u8);

        _time.Advance(TimeSpan.FromSeconds(30) - s_tick);
        Assert.Equal(AlarmAckState.Acknowledged, _acks.StateOf("alarm-1"));
        _time.Advance(s_tick);

        Assert.Null(_acks.StateOf("alarm-1"));
        Assert.Equal(default, _acks.Summary);
    }

    [Fact]
    public void States_AcceptedThenPublishedThenAcknowledged()
    {
        var alarm = Entry("alarm-1", EventKind.Smoke, EventState.Active);

        _acks.Accepted([alarm]);
        Assert.Equal(AlarmAckState.Accepted, _acks.StateOf("alarm-1"));
        Assert.Equal(0, _acks.Outstanding);
        Assert.Equal(1, _acks.Summary.Waiting);

        _acks.Sending(alarm);
        Assert.Equal(AlarmAckState.Accepted, _acks.StateOf("alarm-1"));
        Assert.Equal(1, _acks.Outstanding);

        _acks.Published(alarm);
        Assert.Equal(AlarmAckState.Published, _acks.StateOf("alarm-1"));

        _acks.OnAckMessage("""{"id":"alarm-1"}"""u8);
        Assert.Equal(AlarmAckState.Acknowledged, _acks.StateOf("alarm-1"));
        Assert.Equal(0, _acks.Outstanding);
    }

    [Fact]
    public void Timeout_CountsFromThePubackNotFromTheSend()
    {
        var alarm = Entry("alarm-1", EventKind.Panic, EventState.Active);
        _acks.Sending(alarm);
        _time.Advance(TimeSpan.FromSeconds(5));
        _acks.Published(alarm);

        _time.Advance(TimeSpan.FromSeconds(20) - s_tick);
        Assert.Empty(_acks.DueForRepublish());
        _time.Advance(s_tick);

        Assert.Single(_acks.DueForRepublish());
    }

    [Fact]
    public void SecondPuback_OfTheSameAlarm_KeepsTheFirstTimeout()
    {
        var alarm = Publish("alarm-1");
        _time.Advance(TimeSpan.FromSeconds(15));

        // The outbox sent it again after a lost session.
        _acks.Published(alarm);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Single(_acks.DueForRepublish());
    }

    [Fact]
    public void AckBeforeThePubackWasHandled_StaysAcknowledged()
    {
        var alarm = Entry("alarm-1", EventKind.Panic, EventState.Active);
        _acks.Sending(alarm);
        _acks.OnAckMessage("""{"id":"alarm-1"}"""u8);

        _acks.Published(alarm);
        _time.Advance(TimeSpan.FromSeconds(25));

        Assert.Equal(AlarmAckState.Acknowledged, _acks.StateOf("alarm-1"));
        Assert.Empty(_acks.DueForRepublish());
    }

    [Theory]
    [InlineData(EventKind.Panic, EventState.Restored)]
    [InlineData(EventKind.Door, EventState.Active)]
    public void RestoresAndEvents_AreNotTracked(EventKind kind, EventState state)
    {
        var entry = Entry("e-1", kind, state);

        _acks.Accepted([entry]);
        _acks.Sending(entry);
        _acks.Published(entry);
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Null(_acks.StateOf("e-1"));
        Assert.Empty(_acks.DueForRepublish());
        Assert.Equal(default, _acks.Summary);
    }

    [Fact]
    public void AckForAPublishedRestore_IsNotLoggedAsUnknown()
    {
        var restore = Entry("restore-1", EventKind.Panic, EventState.Restored);
        _acks.Sending(restore);
        _acks.Published(restore);

        _acks.OnAckMessage("""{"id":"restore-1","by":"edge-center"}"""u8);
        _acks.OnAckMessage("""{"id":"stranger","by":"edge-center"}"""u8);

        Assert.Single(_rig.ProblemLog.Records, r => r.EventId.Id == UnknownAckEventId);
        Assert.Contains("stranger", _rig.ProblemLog.Records.Single(r => r.EventId.Id == UnknownAckEventId).Message, StringComparison.Ordinal);
        Assert.Equal(1, _rig.Problems.Counts.UnknownAcks);
        Assert.Null(_acks.LastLatency);
    }

    [Fact]
    public void ConfiguredTimeout_IsUsed()
    {
        using var rig = new AckRig(ackTimeoutSeconds: 2);
        rig.Publish("alarm-1");

        rig.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Single(rig.Acks.DueForRepublish());
        rig.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, rig.Acks.Summary.Escalated);
    }

    [Fact]
    public void Tracking_IsCapped_AcknowledgedAlarmsGoFirst()
    {
        Publish("acked");
        _acks.OnAckMessage("""{"id":"acked"}"""u8);
        for (var i = 1; i < CenterAcknowledgements.MaxTracked; i++)
        {
            Publish($"alarm-{i}");
        }

        Publish("one-more");
        Assert.Null(_acks.StateOf("acked"));
        Assert.Equal(AlarmAckState.Published, _acks.StateOf("alarm-1"));
        Assert.DoesNotContain(_logger.Records, r => r.EventId.Id == TrackingFullEventId);

        Publish("and-another");
        Assert.Null(_acks.StateOf("alarm-1"));
        Assert.Equal(CenterAcknowledgements.MaxTracked, _acks.Summary.Waiting);
        Assert.Single(_logger.Records, r => r.EventId.Id == TrackingFullEventId && r.Message.Contains("alarm-1", StringComparison.Ordinal));
    }

    private OutboxEntry Publish(string id) => _rig.Publish(id);

    private OutboxEntry Entry(string id, EventKind kind, EventState state) => _rig.Entry(id, kind, state);
}
