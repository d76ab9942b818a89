using System.Net.Sockets;
using System.Text;

namespace EdgeGateway.Core.Sockets;

/// <summary>What a <see cref="LineSocketServer"/> says: an optional greeting on connect, then one reply per request line.</summary>
public interface ILineProtocol
{
    /// <summary>The line sent as soon as a client connects, or null for none.</summary>
    string? Greeting();

    /// <summary>Whether the connection stays open for request lines after the greeting.</summary>
    bool Converses { get; }

    /// <summary>The reply to one request line (without its newline).</summary>
    string Reply(string line);

    /// <summary>The accept loop failed and stops (the socket is no longer served).</summary>
    void AcceptFailed(Exception exception);

    /// <summary>One client's connection failed; the others are unaffected.</summary>
    void ClientFailed(Exception exception);
}

/// <summary>
/// A local Unix domain stream socket speaking one line each way, <c>\n</c> terminated: any number of clients, served
/// concurrently. On start the directory is created and a stale socket file (left by a killed process) is replaced;
/// on stop the accept loop and every client end and the file is removed.
/// </summary>
public sealed class LineSocketServer : IAsyncDisposable, IDisposable
{
    private readonly ILineProtocol _protocol;
    private readonly Encoding _encoding;
    private readonly int _maxLineBytes;
    private readonly int _backlog;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _clients = [];
    private Socket? _listener;
    private Task? _acceptLoop;

    public LineSocketServer(string path, ILineProtocol protocol, Encoding encoding, int maxLineBytes, int backlog)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(encoding);
        Path = System.IO.Path.GetFullPath(path);
        _protocol = protocol;
        _encoding = encoding;
        _maxLineBytes = maxLineBytes;
        _backlog = backlog;
    }

    /// <summary>The socket file, as an absolute path.</summary>
    public string Path { get; }

    /// <summary>The longest socket path Linux binds: <c>sun_path</c> is 108 bytes including the terminating NUL.</summary>
    public const int MaxPathBytes = 107;

    /// <summary>
    /// Binds and listens; returns whether a stale socket file had to be removed first. Throws <see cref="IOException"/>
    /// when the path is longer than <see cref="MaxPathBytes"/>, <see cref="SocketException"/> when it cannot be bound.
    /// </summary>
    public bool Start()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException($"The socket {Path} is already started");
        }

        var pathBytes = Encoding.UTF8.GetByteCount(Path);
        if (pathBytes > MaxPathBytes)
        {
            throw new IOException($"the path is {pathBytes} bytes long; a Unix socket path can have at most {MaxPathBytes}");
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var stale = File.Exists(Path);
        if (stale)
        {
            // It would make bind fail with "address in use".
            File.Delete(Path);
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(Path));
            listener.Listen(_backlog);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _acceptLoop = AcceptLoopAsync(listener, _stopping.Token);
        return stale;
    }

    /// <summary>Stops accepting, waits for the clients to end and removes the socket file. False if it was not started.</summary>
    public async Task<bool> StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is not { } listener)
        {
            return false;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        listener.Dispose();
        try
        {
            // The accept loop first, so no client can be added after the snapshot below.
            await (_acceptLoop ?? Task.CompletedTask).WaitAsync(cancellationToken).ConfigureAwait(false);
            Task[] clients;
            lock (_lock)
            {
                clients = [.. _clients];
            }

            await Task.WhenAll(clients).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _listener = null;
            TryDeleteSocketFile();
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>For a container disposed synchronously: closes the listener and clients without waiting for them.</summary>
    public void Dispose()
    {
        if (_listener is { } listener)
        {
            _stopping.Cancel();
            listener.Dispose();
            _listener = null;
            TryDeleteSocketFile();
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        // Off the caller's thread: Start must return once the socket is bound.
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _protocol.AcceptFailed(ex);
                return;
            }

            var task = ServeAsync(client, stopping);
            lock (_lock)
            {
                _clients.Add(task);
            }

            _ = task.ContinueWith(
                t =>
                {
                    lock (_lock)
                    {
                        _clients.Remove(t);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        await Task.Yield();
        var stream = new NetworkStream(client, ownsSocket: true);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                if (_protocol.Greeting() is { } greeting)
                {
                    await stream.WriteAsync(_encoding.GetBytes(greeting + "\n"), stopping).ConfigureAwait(false);
                }

                if (_protocol.Converses)
                {
                    await ConverseAsync(stream, stopping).ConfigureAwait(false);
                }
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // Shutting down: the client sees the connection close.
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                _protocol.ClientFailed(ex);
            }
        }
    }

    private async Task ConverseAsync(NetworkStream stream, CancellationToken stopping)
    {
        var buffer = new byte[_maxLineBytes + 1];
        var length = 0;
        while (true)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), stopping).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            length += read;
            int newline;
            while ((newline = Array.IndexOf(buffer, (byte)'\n', 0, length)) >= 0)
            {
                var line = _encoding.GetString(buffer, 0, newline).TrimEnd('\r');
                await stream.WriteAsync(_encoding.GetBytes(_protocol.Reply(line) + "\n"), stopping).ConfigureAwait(false);
                length -= newline + 1;
                Buffer.BlockCopy(buffer, newline + 1, buffer, 0, length);
            }

            if (length == buffer.Length)
            {
                await stream.WriteAsync(_encoding.GetBytes($"err line longer than {_maxLineBytes} bytes\n"), stopping).ConfigureAwait(false);
                return;
            }
        }
    }

    private void TryDeleteSocketFile()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Best effort: the next start removes a stale file anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
