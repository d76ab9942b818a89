using System.Globalization;
using System.Text.Json;

namespace EdgeGateway.Center;

/// <summary>Prints what the center sees, one line per happening, and optionally writes JSON lines for other tools.</summary>
public sealed class CenterView
{
    private readonly TextWriter _output;
    private readonly TextWriter? _jsonLines;
    private readonly Lock _lock = new();

    public CenterView(CenterConsole center, TextWriter output, TextWriter? jsonLines = null)
    {
        _output = output;
        _jsonLines = jsonLines;
        center.Received += OnReceived;
        center.Acknowledged += m => Write($"ACK    {m.Site}/{m.Gateway} {m.Input} id={m.Id} sent to the gateway");
        center.StatusChanged += (gateway, json) => Write($"STATUS {gateway} {json}");
        center.GapDetected += (gateway, from, to) => Write($"GAP    {gateway} seq {from}..{to - 1} not (yet) received");
    }

    private void OnReceived(CenterMessage m, TimeSpan age)
    {
        var label = m.IsAlarm ? "ALARM " : "EVENT ";
        Write(string.Create(
            CultureInfo.InvariantCulture,
            $"{label} {m.Site}/{m.Gateway} {m.Input} {m.Kind} {m.State} seq={m.Seq} \"{m.Location}\" ts={m.Timestamp:HH:mm:ss.fff}{(m.Synced ? "" : " (clock not synced)")} latency={age.TotalMilliseconds:0.0} ms"));
        if (_jsonLines is not null)
        {
            lock (_lock)
            {
                _jsonLines.WriteLine(JsonSerializer.Serialize(m));
                _jsonLines.Flush();
            }
        }
    }

    private void Write(string line)
    {
        lock (_lock)
        {
            _output.WriteLine($"[center] {line}");
        }
    }
}
