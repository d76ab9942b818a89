using EdgeGateway.Center.Board;
using EdgeGateway.Center.History;

namespace EdgeGateway.Center.Web;

/// <summary>What the page shows, as JSON (camelCase): every gateway and the alarms awaiting an ack, newest first.</summary>
public sealed record BoardSnapshot(
    DateTimeOffset At,
    bool Connected,
    int ReportingSeconds,
    IReadOnlyList<BoardGateway> Gateways,
    IReadOnlyList<BoardAlarm> Alarms)
{
    public static BoardSnapshot Take(CenterConsole center, AlarmHistory history, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var board = center.Board();
        // A restore is acknowledged by the console itself, just after it arrives: only activations wait for a person.
        var alarms = board.SelectMany(g => g.AwaitingAck).Where(a => a.State == "active")
            .Select(a => history.Find(a.Id) is { } record ? BoardAlarm.Of(record) : BoardAlarm.Of(new AlarmRecord(a, now, TimeSpan.Zero, null, null)))
            .OrderByDescending(a => a.ReceivedAt)
            .ToList();
        return new BoardSnapshot(now, center.IsConnected, (int)center.ReportingTime.TotalSeconds, [.. board.Select(BoardGateway.Of)], alarms);
    }
}

/// <summary>One gateway on the page: <c>State</c> is <c>online</c>, <c>silent</c> or <c>offline</c>; <c>MissingSeqs</c> how many seqs never arrived, the lowest <c>FirstMissingSeq</c>.</summary>
public sealed record BoardGateway(
    string Gateway,
    string Site,
    string State,
    string? OfflineReason,
    DateTimeOffset? LastHeardAt,
    GatewayHealth? Health,
    int AwaitingAck,
    int MissingSeqs,
    long? FirstMissingSeq)
{
    public static BoardGateway Of(GatewayBoardEntry entry) => new(
        entry.Gateway,
        entry.Site,
        entry.Reachability.ToString().ToLowerInvariant(),
        entry.OfflineReason,
        entry.LastHeardAt,
        entry.Health,
        entry.AwaitingAck.Count,
        entry.MissingSeqs.Count,
        entry.MissingSeqs.Count > 0 ? entry.MissingSeqs.Min() : null);
}

/// <summary>One alarm on the page: <c>Timestamp</c> is the gateway's time of the event, <c>LatencyMs</c> from it to arrival here.</summary>
public sealed record BoardAlarm(
    string Id,
    string Gateway,
    string Site,
    string Input,
    string Kind,
    string State,
    string Location,
    DateTimeOffset Timestamp,
    DateTimeOffset ReceivedAt,
    double LatencyMs,
    string? AckedBy,
    DateTimeOffset? AckedAt)
{
    public static BoardAlarm Of(AlarmRecord record) => new(
        record.Alarm.Id,
        record.Alarm.GatewayKey,
        record.Alarm.Site,
        record.Alarm.Input,
        record.Alarm.Kind,
        record.Alarm.State,
        record.Alarm.Location,
        record.Alarm.Timestamp,
        record.ReceivedAt,
        Math.Round(record.Latency.TotalMilliseconds, 1),
        record.AckedBy,
        record.AckedAt);
}
