using System.Globalization;
using EdgeGateway.Center;
using EdgeGateway.Core.Outputs;

namespace EdgeGateway.Demo.Story;

/// <summary>
/// What a newcomer reads: one labelled line per happening, <c>[guard]</c>, <c>[gateway]</c>, <c>[center]</c> (and
/// <c>[demo]</c>, <c>[board]</c> for the set-up), in plain words; the machinery's own log goes to the log file.
/// </summary>
public sealed class DemoStory(TextWriter output)
{
    private readonly Lock _lock = new();

    public void Demo(string line) => Write("demo", line);

    public void Guard(string line) => Write("guard", line);

    public void Gateway(string line) => Write("gateway", line);

    public void Center(string line) => Write("center", line);

    public void Board(Uri address, string operatorName, string password) =>
        Write("board", $"{address}  (the center's web board: open it while the demo runs; sign in as {operatorName}, one-time password {password})");

    /// <summary>The alarm's round trip, measured on this process's monotonic clock from the press.</summary>
    public void Latency(int round, TimeSpan toCenter, TimeSpan ackBack) => Demo(string.Create(
        CultureInfo.InvariantCulture,
        $"round {round} latency: press → center {toCenter.TotalMilliseconds:0.0} ms, press → center's ack back at the gateway (LED steady) {ackBack.TotalMilliseconds:0.0} ms"));

    /// <summary>Tells what the center view sees: the gateway's status, alarms and events, and its own acks.</summary>
    public void Follow(CenterConsole center)
    {
        ArgumentNullException.ThrowIfNull(center);
        center.StatusChanged += (gateway, entry) => Center(entry.Online == true
            ? $"{gateway} is online"
            : $"{gateway} went offline ({entry.OfflineReason ?? "no reason given"})");
        center.Received += (m, _) =>
        {
            if (m.IsTelemetry)
            {
                return;
            }

            Center((m.IsAlarm, m.State) switch
            {
                (true, "active") => $"ALARM: {m.Kind} at \"{m.Location}\" ({m.GatewayKey}, input {m.Input})",
                (true, "restored") => $"the {m.Kind} alarm at \"{m.Location}\" is reset",
                (false, "active") => $"event: {m.Kind} \"{m.Location}\" opened",
                (false, "restored") => $"event: {m.Kind} \"{m.Location}\" closed",
                _ => $"{m.Kind} {m.State} at \"{m.Location}\"",
            });
        };
        center.Acknowledged += (m, by) =>
        {
            // A reset is acknowledged without a person: only the alarm itself is the operator's.
            if (m.State == "active")
            {
                Center($"{by} acknowledges the alarm; the ack goes back to the gateway");
            }
        };
        center.Repeated += (m, acked) => Center(acked ? $"the gateway sent the alarm again (our ack was lost): ack sent again" : $"the gateway sent the alarm again: still waiting for an operator");
        center.HandlerFailed += ex => Center($"ERROR handling a message: {ex.GetType().Name}: {ex.Message}");
    }

    /// <summary>Tells what the guard sees on the gateway's status LED.</summary>
    public void Follow(StatusLed led)
    {
        ArgumentNullException.ThrowIfNull(led);
        led.IndicationChanged += indication => Gateway($"status LED: {StatusLed.Describe(indication)}");
    }

    private void Write(string who, string line)
    {
        lock (_lock)
        {
            output.WriteLine($"{$"[{who}]",-9} {line}");
            output.Flush();
        }
    }
}
