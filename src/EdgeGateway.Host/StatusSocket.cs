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
/// A local Unix socket (<c>{DataDirectory}/status.sock</c>, mode 0600 under the service's umask) that answers every
/// connection with one <see cref="HealthSnapshot"/> line (<see cref="StatusJson"/>), so <c>edge-gateway status</c> can
/// show the running service's state without opening the LiteDB file the service holds.
/// </summary>
public sealed partial class StatusSocket : IHostedService, IAsyncDisposable, IDisposable, ILineProtocol
{
    public const string FileName = "status.sock";

    private readonly MqttConnection _connection;
    private readonly HealthSnapshotBuilder _snapshots;
    private readonly ILogger<StatusSocket> _logger;
    private readonly LineSocketServer _server;

    public StatusSocket(MqttConnection connection, HealthSnapshotBuilder snapshots, IOptions<GatewayOptions> gateway, ILogger<StatusSocket> logger)
    {
        _connection = connection;
        _snapshots = snapshots;
        _logger = logger;
        _server = new LineSocketServer(PathFor(gateway.Value.DataDirectory), this, Encoding.UTF8, maxLineBytes: 0, backlog: 8);
    }

    public static string PathFor(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    bool ILineProtocol.Converses => false;

    public HealthSnapshot Snapshot() => _snapshots.Build(_connection.ConnectedBroker, _connection.Reconnects);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _server.Start();
        Listening(_logger, _server.Path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    public void Dispose() => _server.Dispose();

    string? ILineProtocol.Greeting() => JsonSerializer.Serialize(Snapshot(), StatusJson.Options);

    string ILineProtocol.Reply(string line) => "";

    void ILineProtocol.AcceptFailed(Exception exception) => AcceptFailed(_logger, exception);

    void ILineProtocol.ClientFailed(Exception exception)
    {
        // The reader went away; nothing to do.
    }

    [LoggerMessage(5010, LogLevel.Information, "Status socket listening on {Path} (edge-gateway status)")]
    private static partial void Listening(ILogger logger, string path);

    [LoggerMessage(5011, LogLevel.Warning, "Status socket stopped accepting connections")]
    private static partial void AcceptFailed(ILogger logger, Exception exception);
}

/// <summary>The wire format of the status socket's <see cref="HealthSnapshot"/>: camelCase JSON.</summary>
public static class StatusJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
