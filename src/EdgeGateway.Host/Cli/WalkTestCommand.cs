using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Cli;

/// <summary>One input in the commissioning report.</summary>
public sealed record WalkTestInput(string Id, int Pin, string Kind, string Location, bool Proven, DateTimeOffset? FirstActiveAt, int Activations);

/// <summary>The commissioning report <c>edge-gateway walk-test</c> writes.</summary>
public sealed record WalkTestReport(string Site, string Gateway, string Version, DateTimeOffset Started, DateTimeOffset Finished, bool Complete, IReadOnlyList<WalkTestInput> Inputs);

/// <summary>
/// <c>edge-gateway walk-test --config FILE</c>: the gateway runs in the foreground (stop the service first) with every
/// event marked <c>"test": true</c>; each input shows live as the installer presses, opens or triggers it and is then
/// proven; latched inputs are reset as soon as they return to rest. Ends when every input is proven, at the time
/// limit, or on Ctrl+C, and writes the report (JSON and a table of the inputs never seen). Exit 0 when all are proven.
/// </summary>
public static class WalkTestCommand
{
    public const int Incomplete = 1;

    /// <summary>EX_TEMPFAIL: the service is running and holds the GPIO lines and the outbox.</summary>
    public const int ServiceRunning = 75;

    public static async Task<int> RunAsync(string configFile, string? reportFile, TimeSpan limit, TextWriter output, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        using var host = GatewayHost.Build(configFile, gatewayLogLevel: LogLevel.Warning);
        try
        {
            host.Services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (Exception ex) when (ConfigProblems.From(ex) is { } problems)
        {
            return ConfigProblems.Report(problems, output);
        }

        var statusSocket = StatusSocket.PathFor(host.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.DataDirectory);
        if (await IsListeningAsync(statusSocket, cancellationToken))
        {
            output.WriteLine($"edge-gateway walk-test: the gateway service is running ({statusSocket}); stop it first: sudo systemctl stop edge-gateway");
            return ServiceRunning;
        }

        var recorder = host.Services.GetRequiredService<EventRecorder>();
        recorder.TestMode = true;
        var monitor = host.Services.GetRequiredService<InputMonitor>();
        var inputs = host.Services.GetRequiredService<IOptions<InputsOptions>>().Value.Inputs;
        var seen = inputs.ToDictionary(i => i.Id, _ => (First: (DateTimeOffset?)null, Count: 0), StringComparer.Ordinal);
        var allProven = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Lock();
        monitor.Transitioned += (channel, state) =>
        {
            var id = channel.Options.Id;
            lock (gate)
            {
                var now = time.GetUtcNow();
                if (state == EventState.Active)
                {
                    var (first, count) = seen[id];
                    seen[id] = (first ?? now, count + 1);
                    // A latched input restores as soon as it is back at rest, so the next person can test it again.
                    monitor.RequestReset(id);
                }

                var proven = seen.Values.Count(v => v.Count > 0);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{now:HH:mm:ss}  {id,-20} GPIO {channel.Options.Pin,2}  {(state == EventState.Active ? "ACTIVE  " : "restored")}  {(seen[id].Count > 0 ? "proven" : "")}  ({proven}/{seen.Count})"));
                if (proven == seen.Count)
                {
                    allProven.TrySetResult();
                }
            }
        };

        var started = time.GetUtcNow();
        await host.StartAsync(cancellationToken);
        output.WriteLine($"walk test of {recorder.Identity.SiteId}/{recorder.Identity.GatewayId}: press, open or trigger each input in turn; Ctrl+C ends it. Events go to the center with \"test\": true.");
        foreach (var input in inputs)
        {
            output.WriteLine($"  {input.Id,-20} GPIO {input.Pin,2}  {EventPayload.KindName(input.Kind),-9} {input.Location}");
        }

        try
        {
            await allProven.Task.WaitAsync(limit, time, cancellationToken);
            output.WriteLine("every input proven");
        }
        catch (TimeoutException)
        {
            output.WriteLine($"time limit ({limit.TotalMinutes:0} min) reached");
        }
        catch (OperationCanceledException)
        {
            output.WriteLine("walk test ended");
        }

        // Let the last test events reach the broker (what does not stays in the outbox for the service).
        var store = host.Services.GetRequiredService<IOutboxStore>();
        for (var i = 0; i < 50 && store.Depth.Total > 0; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, CancellationToken.None);
        }

        await host.StopAsync(CancellationToken.None);
        WalkTestReport report;
        lock (gate)
        {
            report = new WalkTestReport(
                recorder.Identity.SiteId,
                recorder.Identity.GatewayId,
                GatewayIdentity.Version,
                started,
                time.GetUtcNow(),
                seen.Values.All(v => v.Count > 0),
                [.. inputs.Select(i => new WalkTestInput(i.Id, i.Pin, EventPayload.KindName(i.Kind), i.Location, seen[i.Id].Count > 0, seen[i.Id].First, seen[i.Id].Count))]);
        }

        reportFile ??= Path.GetFullPath(string.Create(CultureInfo.InvariantCulture, $"walk-test-{report.Site}-{report.Gateway}-{started:yyyyMMdd'T'HHmmss'Z'}.json"));
        await File.WriteAllTextAsync(reportFile, JsonSerializer.Serialize(report, s_json), CancellationToken.None);
        PrintTable(report, output);
        output.WriteLine($"report: {reportFile}");
        return report.Complete ? 0 : Incomplete;
    }

    private static async Task<bool> IsListeningAsync(string socketPath, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static void PrintTable(WalkTestReport report, TextWriter output)
    {
        output.WriteLine($"  {"input",-20} {"GPIO",4}  {"kind",-9}  {"result",-10}  location");
        foreach (var input in report.Inputs)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {input.Id,-20} {input.Pin,4}  {input.Kind,-9}  {(input.Proven ? $"proven x{input.Activations}" : "NEVER SEEN"),-10}  {input.Location}"));
        }

        var missing = report.Inputs.Where(i => !i.Proven).Select(i => i.Id).ToList();
        output.WriteLine(missing.Count == 0 ? "all inputs proven" : $"never seen: {string.Join(", ", missing)} (check wiring, hardware/README.md)");
    }

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
