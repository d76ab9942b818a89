using System.Net.Sockets;
using System.Text.Json;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Mqtt.Connection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host;

/// <summary>What <c>edge-gateway status</c> shows, as one JSON object.</summary>
public sealed record StatusSnapshot(
    string Site,
    string Gateway,
    string Version,
    string Boot,
    bool Connected,
    long Reconnects,
    long OutboxAlarms,
    long OutboxEvents,
    long OutboxTelemetry,
    int AwaitingCenterAck,
    string? LastAckId,
    string? LastAckBy,
    DateTimeOffset? LastAckAt,
    double? LastAckLatencyMs,
    double? InputLoopAgeSeconds,
    double? ForwarderAgeSeconds);

/// <summary>
/// A local Unix socket (<c>{DataDirectory}/status.sock</c>, mode 0600 under the service's umask) that answers every
/// connection with one <see cref="StatusSnapshot"/> line, so <c>edge-gateway status</c> can show the running service's
/// state without opening the LiteDB file the service holds.
/// </summary>
public sealed partial class StatusSocket : BackgroundService
{
    public const string FileName = "status.sock";

    private readonly MqttConnection _connection;
    private readonly IOutboxStore _outbox;
    private readonly CenterAcknowledgements _acknowledgements;
    private readonly LivenessRegistry _liveness;
    private readonly GatewayIdentity _identity;
    private readonly TimeProvider _time;
    private readonly ILogger<StatusSocket> _logger;
    private readonly string _path;
    private readonly Lock _ackLock = new();
    private Socket? _listener;
    private (string Id, string By, DateTimeOffset At, TimeSpan Latency)? _lastAck;

    public StatusSocket(
        MqttConnection connection,
        IOutboxStore outbox,
        CenterAcknowledgements acknowledgements,
        LivenessRegistry liveness,
        GatewayIdentity identity,
        IOptions<GatewayOptions> gateway,
        TimeProvider time,
        ILogger<StatusSocket> logger)
    {
        _connection = connection;
        _outbox = outbox;
        _acknowledgements = acknowledgements;
        _liveness = liveness;
        _identity = identity;
        _time = time;
        _logger = logger;
        _path = PathFor(gateway.Value.DataDirectory);
        _acknowledgements.Acknowledged += OnAcknowledged;
    }

    public static string PathFor(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    public StatusSnapshot Snapshot()
    {
        var depth = _outbox.Depth;
        (string Id, string By, DateTimeOffset At, TimeSpan Latency)? ack;
        lock (_ackLock)
        {
            ack = _lastAck;
        }

        return new StatusSnapshot(
            _identity.SiteId,
            _identity.GatewayId,
            GatewayIdentity.Version,
            _identity.BootId,
            _connection.IsConnected,
            _connection.Reconnects,
            depth.Alarm,
            depth.Event,
            depth.Telemetry,
            _acknowledgements.Outstanding,
            ack?.Id,
            ack?.By,
            ack?.At,
            ack?.Latency.TotalMilliseconds,
            _liveness.SinceLastBeat(LivenessRegistry.Inputs)?.TotalSeconds,
            _liveness.SinceLastBeat(LivenessRegistry.Forwarder)?.TotalSeconds);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // A socket left by a killed process is replaced.
        File.Delete(_path);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(_path));
        _listener.Listen(8);
        Listening(_logger, _path);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Cancel the accept loop first, then close the socket under it.
        await base.StopAsync(cancellationToken);
        _listener?.Dispose();
        File.Delete(_path);
    }

    public override void Dispose()
    {
        _acknowledgements.Acknowledged -= OnAcknowledged;
        _listener?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener!.AcceptAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException
                || (ex is SocketException && stoppingToken.IsCancellationRequested))
            {
                return;
            }

            using (client)
            {
                try
                {
                    var line = JsonSerializer.SerializeToUtf8Bytes(Snapshot(), StatusJson.Options);
                    await client.SendAsync(line, SocketFlags.None, stoppingToken);
                    await client.SendAsync("\n"u8.ToArray(), SocketFlags.None, stoppingToken);
                }
                catch (SocketException)
                {
                    // The reader went away; nothing to do.
                }
            }
        }
    }

    private void OnAcknowledged(string id, string by, TimeSpan latency)
    {
        lock (_ackLock)
        {
            _lastAck = (id, by, _time.GetUtcNow(), latency);
        }
    }

    [LoggerMessage(5010, LogLevel.Information, "Status socket listening on {Path} (edge-gateway status)")]
    private static partial void Listening(ILogger logger, string path);
}

/// <summary>The wire format of <see cref="StatusSnapshot"/>: camelCase JSON.</summary>
public static class StatusJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
