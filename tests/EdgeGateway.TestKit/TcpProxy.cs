using System.Net;
using System.Net.Sockets;

namespace EdgeGateway.TestKit;

/// <summary>
/// A loopback TCP proxy in front of a broker that a test can <see cref="Freeze"/>: connections stay open but no
/// byte passes either way, like a silent network or a half-open TCP connection; or send <see cref="GoSilent"/> for good,
/// like a frozen broker: every byte is swallowed and new connections are accepted and never answered.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Lock _lock = new();
    private volatile bool _frozen;
    private volatile bool _repliesHeld;
    private volatile bool _silent;
    private Task? _accepting;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Stops forwarding on every connection, current and new, without closing any.</summary>
    public void Freeze() => _frozen = true;

    public void Thaw()
    {
        _frozen = false;
        _repliesHeld = false;
    }

    /// <summary>Holds what the broker sends (its PUBACKs) while the client's bytes still reach it, until <see cref="Thaw"/>.</summary>
    public void HoldReplies() => _repliesHeld = true;

    /// <summary>From now on nothing passes, ever: held bytes are dropped, connections stay open, new ones get no answer.</summary>
    public void GoSilent() => _silent = true;

    /// <summary>Closes every current connection, like a network path that drops; new connections are forwarded again.</summary>
    public void Cut()
    {
        lock (_lock)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
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

        if (_accepting is not null)
        {
            try
            {
                await _accepting;
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopping.
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            if (_silent)
            {
                lock (_lock)
                {
                    _connections.Add(client);
                }

                _ = TcpTarpit.SwallowAsync(client, _stop.Token);
                continue;
            }

            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            lock (_lock)
            {
                _connections.Add(client);
                _connections.Add(upstream);
            }

            _ = PumpAsync(client, upstream, reply: false);
            _ = PumpAsync(upstream, client, reply: true);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool reply)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var source = from.GetStream();
            var target = to.GetStream();
            while (!_stop.IsCancellationRequested)
            {
                var read = await source.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                // Frozen: hold the bytes (a silent path never delivers them) until thawed or closed.
                while ((_frozen || (reply && _repliesHeld)) && !_silent && !_stop.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, _stop.Token);
                }

                if (_silent)
                {
                    continue;
                }

                await target.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // One side closed.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
