using System.Net;
using System.Net.Sockets;

namespace EdgeGateway.TestKit;

/// <summary>
/// A loopback port that accepts TCP connections and never sends a byte: a frozen broker, or a load balancer whose
/// backend is gone. What clients send is read and dropped, so their writes never block; connections stay open.
/// </summary>
public sealed class TcpTarpit : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Lock _lock = new();
    private readonly Task _accepting;
    private int _accepted;

    public TcpTarpit()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Reads and drops everything <paramref name="client"/> sends until it closes or <paramref name="stop"/> fires.</summary>
    public static async Task SwallowAsync(TcpClient client, CancellationToken stop)
    {
        var buffer = new byte[4096];
        try
        {
            var stream = client.GetStream();
            while (await stream.ReadAsync(buffer, stop) > 0)
            {
                // Swallowed: a tarpit never answers.
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The client gave up, or the tarpit is stopping.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_lock)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            lock (_lock)
            {
                _connections.Add(client);
            }

            _ = SwallowAsync(client, _stop.Token);
        }
    }
}
