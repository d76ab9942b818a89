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
