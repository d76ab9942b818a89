using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Sockets;
using EdgeGateway.Mqtt.Connection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host;

/// <summary>
/// A local Unix socket (<c>{DataDirectory}/status.sock</c>, mode 0600, at most <see cref="Limits"/> clients at once)
/// that answers every connection with one <see cref="HealthSnapshot"/> line (<see cref="StatusJson"/>), so <c>edge-gateway status</c> can
/// show the running service's state without opening the LiteDB file the service holds. Optional: a socket that cannot
/// be bound (a file system without sockets, a path too long) is logged and shown in health as <c>status-socket</c>
/// <c>unavailable</c>, and the gateway runs on without it.
/// </summary>
public sealed partial class StatusSocket : IHostedService, IAsyncDisposable, IDisposable, ILineProtocol
{
    public const string FileName = "status.sock";

    /// <summary>Its name in the health report's <c>loops</c>.</summary>
    public const string PartName = "status-socket";

    /// <summary>Eight readers at once; the one line is sent at once, so 10 s only bounds a reader that never takes it.</summary>
    public static readonly LineSocketLimits Limits = new(MaxClients: 8, IdleTimeout: TimeSpan.FromSeconds(10));

    private readonly MqttConnection _connection;
    private readonly HealthSnapshotBuilder _snapshots;
    private readonly ILogger<StatusSocket> _logger;
    private readonly LoopSupervision _supervision;
    private readonly LineSocketServer _server;

    public StatusSocket(
        MqttConnection connection, HealthSnapshotBuilder snapshots, LoopSupervision supervision, IOptions<GatewayOptions> gateway, TimeProvider time, ILogger<StatusSocket> logger)
    {
        _connection = connection;
        _snapshots = snapshots;
        _supervision = supervision;
        _logger = logger;
        _server = new LineSocketServer(PathFor(gateway.Value.DataDirectory), this, Encoding.UTF8, maxLineBytes: 0, backlog: 8, Limits, time);
    }

    public static string PathFor(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    bool ILineProtocol.Converses => false;

    public HealthSnapshot Snapshot() => _snapshots.Build(_connection.ConnectedBroker, _connection.Reconnects);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _server.Start();
        }
        catch (Exception ex) when (ex is IOException or SocketException or UnauthorizedAccessException or ArgumentException)
        {
            // Only `edge-gateway status` needs it; the alarm path must never wait on it.
            _supervision.ReportUnavailable(PartName, $"cannot listen on {_server.Path}: {ex.Message}");
            return Task.CompletedTask;
        }

        Listening(_logger, _server.Path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    public void Dispose() => _server.Dispose();

    string? ILineProtocol.Greeting() => JsonSerializer.Serialize(Snapshot(), StatusJson.Options);

    string ILineProtocol.Reply(string line) => "";

    void ILineProtocol.AcceptFailed(Exception exception, TimeSpan retryIn) => AcceptFailed(_logger, retryIn, exception);

    void ILineProtocol.ClientFailed(Exception exception)
    {
        // The reader went away; nothing to do.
    }

    [LoggerMessage(5010, LogLevel.Information, "Status socket listening on {Path} (edge-gateway status)")]
    private static partial void Listening(ILogger logger, string path);

    [LoggerMessage(5011, LogLevel.Warning, "Status socket could not accept a connection; trying again in {RetryIn}")]
    private static partial void AcceptFailed(ILogger logger, TimeSpan retryIn, Exception exception);
}

/// <summary>The wire format of the status socket's <see cref="HealthSnapshot"/>: camelCase JSON.</summary>
public static class StatusJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
