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

    /// <summary>Accepting a connection failed (too many open files, a socket error); it is tried again after <paramref name="retryIn"/>.</summary>
    void AcceptFailed(Exception exception, TimeSpan retryIn);

    /// <summary>One client's connection failed; the others are unaffected.</summary>
    void ClientFailed(Exception exception);
}

/// <summary>How many clients a <see cref="LineSocketServer"/> serves at once, and how long one may stay silent.</summary>
/// <param name="MaxClients">Connections beyond this are answered <c>err busy …</c> and closed.</param>
/// <param name="IdleTimeout">A client that sends no line (or does not take a reply) this long is told so and closed.</param>
public sealed record LineSocketLimits(int MaxClients, TimeSpan IdleTimeout);

/// <summary>
/// A local Unix domain stream socket speaking one line each way, <c>\n</c> terminated: up to
/// <see cref="LineSocketLimits.MaxClients"/> clients served concurrently, each closed after
/// <see cref="LineSocketLimits.IdleTimeout"/> of silence on the injected clock. The socket file is owner-only (0600),
/// set between bind and listen so no one connects before. A failed accept is retried with a backoff; it never ends
/// the server. On start the directory is created and a stale socket file (left by a killed process) is replaced; on
/// stop the accept loop and every client end and the file is removed.
/// </summary>
public sealed class LineSocketServer : IAsyncDisposable, IDisposable
{
    /// <summary>The first wait after a failed accept; it doubles up to <see cref="MaxAcceptBackoff"/> while accepts keep failing.</summary>
    public static readonly TimeSpan FirstAcceptBackoff = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan MaxAcceptBackoff = TimeSpan.FromSeconds(5);

    /// <summary>The socket file's mode: read and write for the owner only (the service's user, or root).</summary>
    public const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly ILineProtocol _protocol;
    private readonly Encoding _encoding;
    private readonly int _maxLineBytes;
    private readonly int _backlog;
    private readonly LineSocketLimits _limits;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _clients = [];
    private Socket? _listener;
    private Task? _acceptLoop;

    public LineSocketServer(
        string path, ILineProtocol protocol, Encoding encoding, int maxLineBytes, int backlog, LineSocketLimits limits, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxClients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limits.IdleTimeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        Path = System.IO.Path.GetFullPath(path);
        _protocol = protocol;
        _encoding = encoding;
        _maxLineBytes = maxLineBytes;
        _backlog = backlog;
        _limits = limits;
        _time = time;
    }

    /// <summary>Accepts the next connection; tests wrap it to make accept fail.</summary>
    internal Func<Socket, CancellationToken, ValueTask<Socket>> Accept { get; init; } = static (listener, ct) => listener.AcceptAsync(ct);

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

            // Before listen: until then a connect is refused, so no one is served through a wider mode.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path, SocketMode);
            }

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
        var backoff = FirstAcceptBackoff;
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await Accept(listener, stopping).ConfigureAwait(false);
                backoff = FirstAcceptBackoff;
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // EMFILE and the like pass once clients or other files close: wait, never give the socket up.
                var wait = Task.Delay(backoff, _time, stopping);
                _protocol.AcceptFailed(ex, backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxAcceptBackoff.Ticks));
                try
                {
                    await wait.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            Task task;
            lock (_lock)
            {
                task = _clients.Count >= _limits.MaxClients ? RefuseAsync(client, stopping) : ServeAsync(client, stopping);
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

    /// <summary>One connection over <see cref="LineSocketLimits.MaxClients"/>: told why, then closed.</summary>
    private async Task RefuseAsync(Socket client, CancellationToken stopping)
    {
        await Task.Yield();
        var stream = new NetworkStream(client, ownsSocket: true);
        await using (stream.ConfigureAwait(false))
        {
            await SayLastAsync(stream, $"err busy: {_limits.MaxClients} clients are connected, the most this socket serves; try again later", stopping)
                .ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        await Task.Yield();
        var stream = new NetworkStream(client, ownsSocket: true);
        await using (stream.ConfigureAwait(false))
        {
            // Re-armed before every wait on the client: a read of the next line, a write of a reply.
            using var idle = new CancellationTokenSource(_limits.IdleTimeout, _time);
            using var token = CancellationTokenSource.CreateLinkedTokenSource(stopping, idle.Token);
            try
            {
                if (_protocol.Greeting() is { } greeting)
                {
                    await WriteLineAsync(stream, greeting, token.Token).ConfigureAwait(false);
                }

                if (_protocol.Converses)
                {
                    await ConverseAsync(stream, idle, token.Token).ConfigureAwait(false);
                }
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // Shutting down: the client sees the connection close.
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested)
            {
                await SayLastAsync(stream, $"err idle for {_limits.IdleTimeout.TotalSeconds:0} s; closing", stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                _protocol.ClientFailed(ex);
            }
        }
    }

    /// <summary>The line before the server closes a connection: best effort, within one idle timeout.</summary>
    private async Task SayLastAsync(NetworkStream stream, string line, CancellationToken stopping)
    {
        using var deadline = new CancellationTokenSource(_limits.IdleTimeout, _time);
        using var token = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token);
        try
        {
            await WriteLineAsync(stream, line, token.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            // A client that takes nothing is closed all the same.
        }
    }

    private ValueTask WriteLineAsync(NetworkStream stream, string line, CancellationToken cancellationToken) =>
        stream.WriteAsync(_encoding.GetBytes(line + "\n"), cancellationToken);

    private async Task ConverseAsync(NetworkStream stream, CancellationTokenSource idle, CancellationToken token)
    {
        var buffer = new byte[_maxLineBytes + 1];
        var length = 0;
        while (true)
        {
            idle.CancelAfter(_limits.IdleTimeout);
            var read = await stream.ReadAsync(buffer.AsMemory(length), token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            length += read;
            int newline;
            while ((newline = Array.IndexOf(buffer, (byte)'\n', 0, length)) >= 0)
            {
                var line = _encoding.GetString(buffer, 0, newline).TrimEnd('\r');
                var reply = _protocol.Reply(line);

                // Armed before the reply goes out, so a client holding the reply knows its idle time is running.
                idle.CancelAfter(_limits.IdleTimeout);
                await WriteLineAsync(stream, reply, token).ConfigureAwait(false);
                length -= newline + 1;
                Buffer.BlockCopy(buffer, newline + 1, buffer, 0, length);
            }

            if (length == buffer.Length)
            {
                await WriteLineAsync(stream, $"err line longer than {_maxLineBytes} bytes", token).ConfigureAwait(false);
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
