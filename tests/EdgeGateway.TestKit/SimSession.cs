using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace EdgeGateway.TestKit;

/// <summary>One open connection to a gateway's sim socket (<see cref="GatewayProcess.OpenSimAsync"/>): a command, its reply, the next.</summary>
public sealed class SimSession : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    internal SimSession(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    /// <summary>Connects to the line socket at <paramref name="socketPath"/> (a gateway's sim socket, or the bench's relay).</summary>
    public static async Task<SimSession> ConnectAsync(string socketPath, CancellationToken cancellationToken = default) =>
        new(await ConnectSocketAsync(socketPath, cancellationToken));

    // The socket file appears at bind, a moment before listen: a connect in between is refused, so retry briefly.
    internal static async Task<Socket> ConnectSocketAsync(string socketPath, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return socket;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused && deadline.Elapsed < TimeSpan.FromSeconds(5))
            {
                socket.Dispose();
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    /// <summary>Sends one command (<c>set 17 low</c>) and returns the reply line.</summary>
    public async Task<string> SendAsync(string command, CancellationToken cancellationToken = default)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\n"), cancellationToken);
        return await _reader.ReadLineAsync(cancellationToken) ?? throw new IOException("the sim socket closed the session");
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
