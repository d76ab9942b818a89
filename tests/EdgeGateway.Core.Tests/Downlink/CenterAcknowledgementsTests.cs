using System.Text;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Downlink;

public class CenterAcknowledgementsTests
{
    private const int DownlinkProblemEventId = 1005;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero));
    private readonly RecordingLogger<CenterAcknowledgements> _logger = new();
    private readonly RecordingLogger<DownlinkProblems> _problemLog = new();
    private readonly DownlinkProblems _problems;
    private readonly CenterAcknowledgements _acks;
    private readonly GatewayIdentity _identity;

    public CenterAcknowledgementsTests()
    {
        _identity = TestIdentity.Create(_time);
        _problems = new DownlinkProblems(_time, _problemLog);
        _acks = new CenterAcknowledgements(_time, _logger, Options.Create(new AckOptions()), _problems);
    }

    [Fact]
    public void OnAckMessage_PublishedAlarm_RaisesAcknowledgedWithLatency()
    {
        // Arrange
        var alarm = Entry("alarm-1", EventKind.Panic);
        _acks.Published(alarm);
        _time.Advance(TimeSpan.FromMilliseconds(1_234));
        (string Id, string By, TimeSpan Latency)? raised = null;
        _acks.Acknowledged += (id, by, latency) => raised = (id, by, latency);

        // Act
        _acks.OnAckMessage("""{"id":"alarm-1","by":"operator-7","ts":"2026-11-29T05:00:01.234Z"}"""u8);

        // Assert
        Assert.Equal(("alarm-1", "operator-7", TimeSpan.FromMilliseconds(1_234)), raised);
        Assert.Equal(TimeSpan.FromMilliseconds(1_234), _acks.LastLatency);
        Assert.Equal(0, _acks.Outstanding);
    }

    [Fact]
    public void OnAckMessage_AckWithoutBy_ReportsEmptyBy()
    {
        // Arrange
        _acks.Published(Entry("alarm-1", EventKind.Smoke));
        string? by = null;
        _acks.Acknowledged += (_, b, _) => by = b;

        // Act
        _acks.OnAckMessage("""{"id":"alarm-1"}"""u8);

        // Assert
        Assert.Equal("", by);
    }

    [Fact]
    public void OnAckMessage_SameAckTwice_RaisesOnce()
    {
        // Arrange
        _acks.Published(Entry("alarm-1", EventKind.Panic));
        var raised = 0;
        _acks.Acknowledged += (_, _, _) => raised++;

        // Act
        _acks.OnAckMessage("""{"id":"alarm-1","by":"a"}"""u8);
        _acks.OnAckMessage("""{"id":"alarm-1","by":"a"}"""u8);

        // Assert
        Assert.Equal(1, raised);
    }

    [Fact]
    public void OnAckMessage_UnknownId_IsCountedEveryTime_AndLoggedOnceAMinute()
    {
        // Arrange
        _acks.Published(Entry("alarm-1", EventKind.Panic));
        var raised = 0;
        _acks.Acknowledged += (_, _, _) => raised++;

        // Act
        _acks.OnAckMessage("""{"id":"not-ours","by":"a"}"""u8);
        _acks.OnAckMessage("""{"id":"not-ours","by":"a"}"""u8);
        _acks.OnAckMessage("""{"id":"not-ours","by":"b"}"""u8);

        // Assert
        Assert.Equal(0, raised);
        Assert.Equal(1, _acks.Outstanding);
        Assert.Null(_acks.LastLatency);
        var log = Assert.Single(_problemLog.Records, r => r.EventId.Id == DownlinkProblemEventId);
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Contains("not-ours", log.Message, StringComparison.Ordinal);
        Assert.Equal(3, _problems.Counts.UnknownAcks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{")]
    [InlineData("{\"id\":")]
    [InlineData("null")]
    [InlineData("[\"alarm-1\"]")]
    [InlineData("\"alarm-1\"")]
    [InlineData("{\"id\":42}")]
    [InlineData("{\"id\":null}")]
    [InlineData("{\"id\":\"\"}")]
    [InlineData("{\"by\":\"a\"}")]
    [InlineData("{\"id\":{\"nested\":true}}")]
    public void OnAckMessage_Malformed_LogsAndDoesNotThrow(string payload)
    {
        // Arrange
        _acks.Published(Entry("alarm-1", EventKind.Panic));
        var raised = 0;
        _acks.Acknowledged += (_, _, _) => raised++;

        // Act
        var exception = Record.Exception(() => _acks.OnAckMessage(Encoding.UTF8.GetBytes(payload)));

        // Assert
        Assert.Null(exception);
        Assert.Equal(0, raised);
        Assert.Equal(1, _acks.Outstanding);
        Assert.Contains(_problemLog.Records, r => r.EventId.Id == DownlinkProblemEventId && r.Level == LogLevel.Warning && r.Message.Contains("MalformedAck", StringComparison.Ordinal));
        Assert.Equal(1, _problems.Counts.MalformedAcks);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE, 0xFD })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'i', (byte)'d', (byte)'"', (byte)':', (byte)'"', 0xC3, (byte)'"', (byte)'}' })]
    public void OnAckMessage_InvalidUtf8_DoesNotThrow(byte[] payload)
    {
        // Arrange
        _acks.Published(Entry("alarm-1", EventKind.Panic));

        // Act
        var exception = Record.Exception(() => _acks.OnAckMessage(payload));

        // Assert
        Assert.Null(exception);
        Assert.Equal(1, _acks.Outstanding);
        Assert.Equal(1, _problems.Counts.MalformedAcks);
    }

    [Theory]
    [InlineData(EventKind.Door)]
    [InlineData(EventKind.Generic)]
    public void Published_EventLaneEntry_IsNotTracked(EventKind kind)
    {
        // Arrange
        var entry = Entry("door-1", kind);
        var raised = 0;
        _acks.Acknowledged += (_, _, _) => raised++;

        // Act
        _acks.Published(entry);
        _acks.OnAckMessage("""{"id":"door-1"}"""u8);

        // Assert
        Assert.Equal(0, _acks.Outstanding);
        Assert.Equal(0, raised);
    }

    [Fact]
    public void Published_SameAlarmTwice_KeepsFirstPublishTime()
    {
        // Arrange
        var alarm = Entry("alarm-1", EventKind.Intrusion);
        _acks.Published(alarm);
        _time.Advance(TimeSpan.FromSeconds(2));

        // Act: a retry after a lost PUBACK publishes the same entry again.
        _acks.Published(alarm);
        _time.Advance(TimeSpan.FromSeconds(1));
        _acks.OnAckMessage("""{"id":"alarm-1"}"""u8);

        // Assert
        Assert.Equal(TimeSpan.FromSeconds(3), _acks.LastLatency);
    }

    private OutboxEntry Entry(string id, EventKind kind) => OutboxEntry.Create(
        new EventDraft(id, "input", kind, EventState.Active, _time.GetUtcNow(), true, "somewhere"), 1, _identity);
}
