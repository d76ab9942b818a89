using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeGateway.Center.Board;
using EdgeGateway.Center.Commands;
using EdgeGateway.Center.Storage;

namespace EdgeGateway.Center;

/// <summary>
/// Prints what the center sees, one line per happening, and the board on demand; optionally writes every message
/// received or sent as a JSON line for other tools.
/// </summary>
public sealed class CenterView
{
    private readonly CenterConsole _center;
    private readonly TextWriter _output;
    private readonly TextWriter? _jsonLines;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    public CenterView(CenterConsole center, TextWriter output, TimeProvider time, TextWriter? jsonLines = null)
    {
        _center = center;
        _output = output;
        _time = time;
        _jsonLines = jsonLines;
        center.Received += OnReceived;
        center.Repeated += (m, acked) => Write(acked
            ? $"REPEAT {m.GatewayKey} {m.Input} id={m.Id} already acknowledged: ack sent again"
            : $"REPEAT {m.GatewayKey} {m.Input} {m.Kind} {m.State} id={m.Id} REPEAT, still unacknowledged");
        center.Acknowledged += (m, by) => Write($"ACK    {m.GatewayKey} {m.Input} id={m.Id} by {by} sent to the gateway");
        center.StatusChanged += (gateway, entry) => Write(entry.Online == true
            ? $"STATUS {gateway} online boot={entry.Boot}"
            : $"STATUS {gateway} OFFLINE ({entry.OfflineReason ?? "no reason"}) boot={entry.Boot}");
        center.HealthReceived += (gateway, health) => Write($"HEALTH {gateway} {Describe(health)}");
        center.CommandResultReceived += OnCommandResult;
        center.GapDetected += (gateway, from, to) => Write($"GAP    {gateway} seq {from}..{to - 1} not (yet) received");
        center.GatewaySilent += entry => Write($"SILENT {entry.Gateway} SCHOOL SILENT: {Silence(entry, _time.GetUtcNow())}");
        center.GatewayHeardAgain += (entry, silentFor) => Write(string.Create(
            CultureInfo.InvariantCulture, $"HEARD  {entry.Gateway} heard again after {silentFor.TotalSeconds:0} s of silence"));
        center.HandlerFailed += ex => Write($"ERROR  handling a message failed: {ex.GetType().Name}: {ex.Message}");
        if (jsonLines is not null)
        {
            center.Traffic += WriteJsonLine;
        }
    }

    /// <summary>Prints what <paramref name="records"/> file: every ticket change and test press.</summary>
    public void Show(CenterRecords? records)
    {
        if (records is null)
        {
            return;
        }

        records.TicketChanged += ticket => Write($"TICKET {RecordCommands.Line(ticket)}");
        records.TestRecorded += test => Write(string.Create(CultureInfo.InvariantCulture, $"TESTED {test.Site}/{test.Gateway} {test.Input} ({test.Kind}) by {test.TestedBy} pressed {WireTimestamp.Format(test.PressedAt)}{(test.RoundTripMs is { } ms ? $" round trip {ms} ms" : "")}"));
        records.Failed += ex => Write($"ERROR  keeping a record in {records.Database.Path} failed: {ex.GetType().Name}: {ex.Message}");
    }

    /// <summary>Writes one line, prefixed <c>[center]</c>.</summary>
    public void Write(string line)
    {
        lock (_lock)
        {
            _output.WriteLine($"[center] {line}");
            _output.Flush();
        }
    }

    /// <summary>Prints the board: one line per gateway, then its alarms awaiting an ack.</summary>
    public void WriteBoard()
    {
        var board = _center.Board();
        var now = _time.GetUtcNow();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"[center] BOARD {board.Count} gateway(s) at {now:HH:mm:ss}\n");
        foreach (var entry in board)
        {
            var state = entry.Reachability switch
            {
                GatewayReachability.Online => "ONLINE ",
                GatewayReachability.Silent => $"SILENT ({Silence(entry, now)})",
                _ => $"OFFLINE ({entry.OfflineReason ?? "no reason"})",
            };
            var since = entry.StatusChangedAt is { } at ? string.Create(CultureInfo.InvariantCulture, $" since {at:HH:mm:ss}") : "";
            var health = entry.Health is { } h
                ? string.Create(CultureInfo.InvariantCulture, $"health {(now - h.Timestamp).TotalSeconds:0} s ago: {Describe(h)}")
                : "no health yet";
            var lastAlarm = entry.LastAlarm is { } a
                ? string.Create(CultureInfo.InvariantCulture, $"last alarm {a.Input} {a.Kind} {a.State} {a.Timestamp:HH:mm:ss}")
                : "no alarm";
            text.Append(CultureInfo.InvariantCulture, $"[center]   {entry.Gateway,-24} {state}{since} boot={entry.Boot ?? "?"} | {health} | {lastAlarm} | awaiting ack: {entry.AwaitingAck.Count}{(entry.MissingSeqs.Count > 0 ? $" | MISSING SEQ {entry.MissingSeqs.Count}" : "")}\n");
            foreach (var alarm in entry.AwaitingAck)
            {
                text.Append(CultureInfo.InvariantCulture, $"[center]     ack {alarm.Id}  ({alarm.Input} {alarm.Kind} {alarm.State} \"{alarm.Location}\" {alarm.Timestamp:HH:mm:ss})\n");
            }
        }

        lock (_lock)
        {
            _output.Write(text.ToString());
            _output.Flush();
        }
    }

    private string Silence(GatewayBoardEntry entry, DateTimeOffset now) => entry.LastHeardAt is { } heard
        ? string.Create(CultureInfo.InvariantCulture, $"not heard for {(now - heard).TotalSeconds:0} s, reporting time {_center.ReportingTime.TotalSeconds:0} s")
        : string.Create(CultureInfo.InvariantCulture, $"never heard, reporting time {_center.ReportingTime.TotalSeconds:0} s");

    private static string Describe(GatewayHealth h) => string.Create(
        CultureInfo.InvariantCulture,
        $"outbox alarm {h.AlarmDepth}/event {h.EventDepth}/telemetry {h.TelemetryDepth}, broker {h.Broker}, awaiting ack {h.AwaitingAck}, last ack latency {(h.LastAckLatencyMs is { } ms ? $"{ms} ms" : "none")}{TestMode(h)}");

    private static string TestMode(GatewayHealth h) => !h.TestMode ? ""
        : string.Create(CultureInfo.InvariantCulture, $", TEST MODE ({h.TestModeInputs ?? "all"}{(h.TestModeUntil is { } until ? $", until {until.UtcDateTime:HH:mm:ss}Z" : "")})");

    private void OnReceived(CenterMessage m, TimeSpan age)
    {
        if (m.IsTelemetry)
        {
            Write(string.Create(CultureInfo.InvariantCulture, $"TELEM  {m.GatewayKey} {m.Input} {m.Kind} seq={m.Seq} ts={m.Timestamp:HH:mm:ss.fff}"));
            return;
        }

        var label = m.IsAlarm ? "ALARM " : "EVENT ";
        Write(string.Create(
            CultureInfo.InvariantCulture,
            $"{label} {m.GatewayKey} {m.Input} {m.Kind} {m.State} seq={m.Seq} \"{m.Location}\" ts={m.Timestamp:HH:mm:ss.fff}{(m.Synced ? "" : " (clock not synced)")} latency={age.TotalMilliseconds:0.0} ms id={m.Id}"));
    }

    private void OnCommandResult(CommandResult r)
    {
        var latency = r.Latency is { } l ? string.Create(CultureInfo.InvariantCulture, $" after {l.TotalMilliseconds:0} ms") : "";
        Write(r.Ok
            ? $"RESULT {r.Gateway} {r.Command} id={r.Id} ok{latency} {r.Detail}"
            : $"RESULT {r.Gateway} {r.Command} id={r.Id} FAILED {r.ErrorCode}{latency} {r.Detail}");
    }

    private void WriteJsonLine(CenterTraffic traffic)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", traffic.Type);
            json.WriteString("topic", traffic.Topic);
            json.WriteString("at", WireTimestamp.Format(traffic.At));
            if (traffic.Retained)
            {
                json.WriteBoolean("retained", true);
            }

            if (traffic.Duplicate)
            {
                json.WriteBoolean("duplicate", true);
            }

            json.WritePropertyName("message");
            try
            {
                using var message = JsonDocument.Parse(traffic.Payload);
                message.WriteTo(json);
            }
            catch (JsonException)
            {
                json.WriteStringValue(Encoding.UTF8.GetString(traffic.Payload));
            }

            json.WriteEndObject();
        }

        lock (_lock)
        {
            _jsonLines!.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
            _jsonLines.Flush();
        }
    }
}
