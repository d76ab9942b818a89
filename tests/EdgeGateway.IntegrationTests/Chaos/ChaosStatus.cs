using System.Diagnostics;
using System.Text.Json;
using EdgeGateway.Core.Health;
using EdgeGateway.Host;
using EdgeGateway.Host.Cli;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests.Chaos;

/// <summary>What <c>edge-gateway status</c> says at the end of a run: is the outbox empty, and the status table as printed.</summary>
internal sealed record ChaosStatus(HealthSnapshot? Snapshot, string Table)
{
    private static readonly TimeSpan s_emptyBound = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_socketDeadline = TimeSpan.FromSeconds(10);

    /// <summary>Waits (within a bound) for the alarm and event lanes to be empty, then reads the status table too.</summary>
    public static async Task<ChaosStatus> ReadAsync(GatewayProcess gateway)
    {
        var waited = Stopwatch.StartNew();
        var snapshot = Parse(await StatusAsync(gateway, json: true));
        while (snapshot is not { Alarm.Depth: 0, Event.Depth: 0 } && waited.Elapsed < s_emptyBound)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System);
            snapshot = Parse(await StatusAsync(gateway, json: true));
        }

        return new ChaosStatus(snapshot, await StatusAsync(gateway, json: false) ?? "status unavailable");
    }

    private static HealthSnapshot? Parse(string? line)
    {
        try
        {
            return line is null ? null : JsonSerializer.Deserialize<HealthSnapshot>(line, StatusJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string?> StatusAsync(GatewayProcess gateway, bool json)
    {
        using var deadline = new CancellationTokenSource(s_socketDeadline);
        var output = new StringWriter();
        try
        {
            return await StatusCommand.RunAsync(gateway.ConfigFile, json, output, new StringWriter(), deadline.Token) == 0 ? output.ToString().Trim() : null;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or JsonException)
        {
            return null;
        }
    }
}
