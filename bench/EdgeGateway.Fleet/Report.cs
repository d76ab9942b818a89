using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeGateway.Fleet;

/// <summary>The figures as a markdown block: machine, date, command, parameters, one row per scenario.</summary>
internal static class Report
{

    public static string Render(FleetSettings settings, string command, TimeSpan started, IReadOnlyList<ScenarioResult> results, IReadOnlyDictionary<string, long> gatewayWarnings, string loadBefore, bool shared)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"Run {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC on {Machine()}; load average before {loadBefore}, after {LoadAverage()}.");
        Line($"");
        Line($"Command: `{command}`");
        Line($"");
        Line($"N = {settings.Gateways} gateways (each: its own MQTTnet client, persistent session, {settings.Store} outbox, seq, EventRecorder, OutboxForwarder, CenterAckListener) against one Mosquitto ({MosquittoVersion()}); two edge-center instances in `$share/center` (shared subscription {(shared ? "granted" : "REFUSED: each center got everything")}), {(settings.CenterAck ? "auto-acking" : "not acking")}, session expiry {settings.CenterSessionExpirySeconds} s{(settings.CenterSessionExpirySeconds == 0 ? " (clean session)" : " (persistent)")}. Gateway Mqtt: ReconnectDelayMs {settings.ReconnectDelayMs}, ReconnectMaxDelaySeconds {settings.ReconnectMaxDelaySeconds}, KeepAliveSeconds {settings.KeepAliveSeconds}, InFlightWindow 32 (default). All {settings.Gateways} started and connected in {started.TotalSeconds:0.0} s ({settings.StartParallelism} at a time).");
        Line($"");
        Line($"| scenario | sent | delivered | missing | center p50 ms | p99 ms | max ms | duplicates before dedup | time to drain s | accept (Record) p50 / p99 ms | notes |");
        Line($"| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in results)
        {
            var latency = r.LatenciesMs.Count > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{Stats.Percentile(r.LatenciesMs, 50):0} | {Stats.Percentile(r.LatenciesMs, 99):0} | {r.LatenciesMs.Max():0}")
                : "- | - | -";
            var accept = r.AcceptMs.Count > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{Stats.Percentile(r.AcceptMs, 50):0.0} / {Stats.Percentile(r.AcceptMs, 99):0.0}")
                : "-";
            Line($"| {r.Name} | {r.Sent} | {r.Delivered} | {r.Missing} | {latency} | {r.Duplicates} | {(r.Drain is { } d ? d.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) : "-")} | {accept} | {r.Notes} |");
        }

        Line($"");
        var warnings = gatewayWarnings.Count == 0 ? "none" : string.Join(", ", gatewayWarnings.OrderByDescending(w => w.Value).Select(w => $"{w.Key} x{w.Value}"));
        Line($"Gateway warnings and errors logged during the run: {warnings}.");
        return text.ToString();
    }

    /// <summary>
    /// Replaces the block between the fleet markers of <paramref name="file"/> with <paramref name="block"/>:
    /// <c>&lt;!-- edge-fleet:begin --&gt;</c>, or with <paramref name="name"/> <c>&lt;!-- edge-fleet {name}:begin --&gt;</c>.
    /// </summary>
    public static void WriteInto(string file, string block, string? name = null)
    {
        var (beginMarker, endMarker) = name is null ? ("<!-- edge-fleet:begin -->", "<!-- edge-fleet:end -->") : ($"<!-- edge-fleet {name}:begin -->", $"<!-- edge-fleet {name}:end -->");
        var text = File.ReadAllText(file);
        var begin = text.IndexOf(beginMarker, StringComparison.Ordinal);
        var end = text.IndexOf(endMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException($"{file} has no '{beginMarker}' … '{endMarker}' block to replace");
        }

        File.WriteAllText(file, text[..(begin + beginMarker.Length)] + "\n" + block + text[end..]);
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]
            : "0";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores ({cpu}), {long.Parse(memory, CultureInfo.InvariantCulture) / 1024 / 1024.0:0.0} GiB, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
    }

    public static string MosquittoVersion()
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(TestKit.MosquittoBroker.Executable ?? "mosquitto", ["-h"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            var first = process?.StandardOutput.ReadLine() ?? "";
            process?.WaitForExit(2000);
            return first.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "mosquitto";
        }
    }
}
