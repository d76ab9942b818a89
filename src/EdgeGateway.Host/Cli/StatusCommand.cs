using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Health;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Host.Cli;

/// <summary>
/// <c>edge-gateway status --config FILE [--json]</c>: the running service's connection, outbox depths, last center
/// ack and loop health, read from its status socket (the LiteDB file stays with the service).
/// </summary>
public static class StatusCommand
{
    public const int Unavailable = 69;

    public static async Task<int> RunAsync(string configFile, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var configuration = GatewayConfiguration.Load(configFile);
        var gateway = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        var path = StatusSocket.PathFor(gateway.DataDirectory);
        string line;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            line = await reader.ReadLineAsync(cancellationToken) ?? "";
        }
        catch (SocketException ex)
        {
            error.WriteLine($"edge-gateway status: cannot reach {path} ({ex.Message}); is the service running? (systemctl status edge-gateway)");
            return Unavailable;
        }

        if (json)
        {
            output.WriteLine(line);
            return 0;
        }

        var status = JsonSerializer.Deserialize<HealthSnapshot>(line, StatusJson.Options)
            ?? throw new InvalidDataException("empty status");
        Print(status, output);
        return 0;
    }

    public static void Print(HealthSnapshot s, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"gateway      {s.SiteId}/{s.GatewayId}  version {s.Version}  boot {s.BootId}");
        output.WriteLine($"connection   {(s.Connected ? "connected" : "NOT CONNECTED")} ({s.Reconnects.ToString(c)} reconnects since start)");
        output.WriteLine($"outbox       {s.Alarm.Depth.ToString(c)} alarms, {s.Event.Depth.ToString(c)} events, {s.Telemetry.Depth.ToString(c)} telemetry waiting for the broker");
        output.WriteLine($"center acks  {s.AwaitingAck.ToString(c)} alarms awaiting the center's ack; last: "
            + (s.LastAck is not { } ack ? "none since start" : string.Create(c, $"{ack.Id} by {ack.By} at {ack.At:u} ({ack.Latency.TotalMilliseconds:0} ms)")));
        output.WriteLine($"health       input loop ran {Age(s.InputLoopAge)}, forwarder ran {Age(s.ForwarderAge)} (it sleeps until an event or the watchdog's nudge)");
        foreach (var loop in s.Loops)
        {
            output.WriteLine(LoopLine(loop));
        }
    }

    /// <summary>One supervised loop: its state, its restarts and, when it has one, its last error and when.</summary>
    internal static string LoopLine(LoopStatus loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        var c = CultureInfo.InvariantCulture;
        var line = string.Create(c, $"loop         {loop.Name,-20} {loop.State,-11} {loop.Restarts} restarts");
        if (loop.FailuresInARow > 0)
        {
            line += string.Create(c, $", {loop.FailuresInARow} failures in a row");
        }

        return loop.LastError is { } error ? line + string.Create(c, $"; last error {loop.LastErrorAt:u}: {error}") : line;
    }

    private static string Age(TimeSpan? age) => age is { } a ? string.Create(CultureInfo.InvariantCulture, $"{a.TotalSeconds:0.0} s ago") : "never";
}
