using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.TestKit;
using MQTTnet.Protocol;

namespace EdgeGateway.Mqtt.Tests.Uplink;

/// <summary>The forwarder's own PUBACK deadline, and entries the broker refuses for what they are (set aside, never retried at the head of a lane).</summary>
public sealed class PoisonAndDeadlineTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NoPuback_OnAHalfOpenPath_DropsTheSessionThroughTheForwardersDeadline_AndTheAlarmArrivesAfter(bool publishedByTheWriter)
    {
        await using var harness = await UplinkHarness.CreateAsync(throughProxy: true);
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        await harness.StartAsync();
        await harness.Connection.WaitForSessionAsync(CancellationToken.None).WaitAsync(s_wait);

        harness.Proxy!.Freeze();

        // Read by the forwarder's loop, or (through the writer, as a press is) published by the thread that stored it.
        var alarm = publishedByTheWriter
            ? harness.Recorder.Record([new NewEvent("panic-hall", EventKind.Panic, EventState.Active, "hall")]).Single()
            : harness.Append(EventKind.Panic).Single();
        harness.Signal.Notify();

        // Keepalive 5 s: the deadline is 2.5 s, the forwarder's, not MQTTnet's (which never applies to its tokens).
        try
        {
            await GatewayProcess.WaitUntilAsync(() => harness.ConnectionLog.Collector.GetSnapshot().Any(r => r.Id.Id == 4011 && r.Message.Contains("no PUBACK within 2.5 s", StringComparison.Ordinal)), s_wait);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException(string.Join("\n", harness.ConnectionLog.Collector.GetSnapshot().Concat(harness.ForwarderLog.Collector.GetSnapshot()).Select(r => $"{r.Timestamp:HH:mm:ss.fff} {r.Id.Id} {r.Message} {r.Exception?.Message}")));
        }
        harness.Proxy.Thaw();
        await GatewayProcess.WaitUntilAsync(() => center.On("/alarm").Any(m => m.Json.GetProperty("id").GetString() == alarm.EventId) && harness.Store.Depth.Total == 0, s_wait);
    }

    [Theory]
    [InlineData(MqttPubAckReasonCode.NotAuthorized)]
    [InlineData(MqttPubAckReasonCode.QuotaExceeded)]
    [InlineData(MqttPubAckReasonCode.PayloadFormatInvalid)]
    [InlineData(MqttPubAckReasonCode.TopicNameInvalid)]
    public async Task RefusedForWhatItIs_IsSetAside_ReportedOnce_SentReduced_AndTheEntriesBehindItGo(MqttPubAckReasonCode refusal)
    {
        await using var harness = await UplinkHarness.CreateAsync(inFlightWindow: 1);
        harness.Broker.Answer = message => Encoding.UTF8.GetString(message.Payload.ToArray()).Contains("\"location\":\"poison\"", StringComparison.Ordinal) ? refusal : null;
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        var poison = harness.AppendAt(EventKind.Panic, "poison");
        var alarmBehind = harness.AppendAt(EventKind.Panic, "here");
        var eventBehind = harness.AppendAt(EventKind.Door, "here");

        await harness.StartAsync();

        await GatewayProcess.WaitUntilAsync(() => Ids(center, "/alarm").Contains(alarmBehind.EventId) && Ids(center, "/event").Contains(eventBehind.EventId), s_wait);
        await GatewayProcess.WaitUntilAsync(() => SetAsideFaults(center).Any() && harness.Store.Depth.Total == 0, s_wait);
        Assert.Equal(1, harness.Store.SetAsideCount);
        Assert.Equal(poison.EventId, harness.Store.ReadSetAside(10).Single().Entry.EventId);
        var detail = SetAsideFaults(center).Single().GetProperty("detail");
        Assert.Equal(poison.EventId, detail.GetProperty("id").GetString());
        Assert.Equal(poison.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), detail.GetProperty("seq").GetString());
        Assert.Equal(refusal.ToString(), detail.GetProperty("reason").GetString());
        var reduced = center.On("/alarm").Select(m => m.Json).Single(j => j.GetProperty("id").GetString() == poison.EventId);
        Assert.True(reduced.GetProperty("reduced").GetBoolean());
        Assert.False(reduced.TryGetProperty("location", out _));
    }

    [Fact]
    public async Task RetrySetAside_AfterTheBrokerTakesItAgain_DeliversTheFullEntry()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        harness.Broker.Answer = message => Encoding.UTF8.GetString(message.Payload.ToArray()).Contains("\"location\":\"poison\"", StringComparison.Ordinal) ? MqttPubAckReasonCode.NotAuthorized : null;
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        var poison = harness.AppendAt(EventKind.Door, "poison");
        await harness.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => harness.Store.SetAsideCount == 1, s_wait);

        harness.Broker.Answer = null;
        Assert.Equal(1, harness.Store.RestoreSetAside());
        harness.Signal.Notify();

        await GatewayProcess.WaitUntilAsync(() => Ids(center, "/event").Contains(poison.EventId) && harness.Store.Depth.Total == 0, s_wait);
        Assert.Equal(0, harness.Store.SetAsideCount);
        Assert.Single(SetAsideFaults(center));
    }

    private static HashSet<string?> Ids(MqttRecorder center, string suffix) => [.. center.On(suffix).Select(m => m.Json.GetProperty("id").GetString())];

    private static IEnumerable<JsonElement> SetAsideFaults(MqttRecorder center) => center.On("/alarm").Select(m => m.Json)
        .Where(j => j.GetProperty("input").GetString() == "uplink" && j.TryGetProperty("detail", out var detail) && detail.GetProperty("fault").GetString() == "set-aside");
}
