using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace EdgeGateway.Hardware;

/// <summary>
/// Client for the <see cref="SimulatedGpioSocket"/> protocol, for the <c>edge-gateway sim</c> verb, tests and demos.
/// One command at a time per connection; calls from several threads are queued.
/// </summary>
public sealed class SimulatedGpioClient : IAsyncDisposable, IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private SimulatedGpioClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.ASCII, detectEncodingFromByteOrderMarks: false);
    }

    /// <summary>Connects to the simulator socket at <paramref name="path"/>.</summary>
    public static async Task<SimulatedGpioClient> ConnectAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new SimulatedGpioClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Drives input line <paramref name="pin"/> high or low, as a pressed or released contact would.</summary>
    /// <exception cref="SimulatedGpioException">The simulator refused the command.</exception>
    public async Task SetAsync(int pin, bool high, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(
            string.Create(CultureInfo.InvariantCulture, $"set {pin} {(high ? "high" : "low")}"), cancellationToken).ConfigureAwait(false);
        if (reply != "ok")
        {
            throw SimulatedGpioException.FromReply(reply);
        }
    }

    /// <summary>Reads line <paramref name="pin"/>: true when high.</summary>
    /// <exception cref="SimulatedGpioException">The simulator refused the command.</exception>
    public async Task<bool> GetAsync(int pin, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(string.Create(CultureInfo.InvariantCulture, $"get {pin}"), cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            "high" => true,
            "low" => false,
            _ => throw SimulatedGpioException.FromReply(reply),
        };
    }

    /// <summary>How many times the gateway has written output <paramref name="pin"/>: a blinking LED counts up, a steady one does not.</summary>
    /// <exception cref="SimulatedGpioException">The simulator refused the command.</exception>
    public async Task<long> GetWriteCountAsync(int pin, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(string.Create(CultureInfo.InvariantCulture, $"writes {pin}"), cancellationToken).ConfigureAwait(false);
        return long.TryParse(reply, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : throw SimulatedGpioException.FromReply(reply);
    }

    /// <summary>Sends one raw protocol line and returns the reply line (for example <c>err …</c>) without throwing on errors.</summary>
    public async Task<string> SendAsync(string line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("A command is one line", nameof(line));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\n"), cancellationToken).ConfigureAwait(false);
            return await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("The simulated GPIO socket closed the connection");
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
        _socket.Dispose();
        _gate.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The simulator answered <c>err &lt;reason&gt;</c> (or something unexpected).</summary>
public sealed class SimulatedGpioException : Exception
{
    public SimulatedGpioException()
    {
    }

    public SimulatedGpioException(string message)
        : base(message)
    {
    }

    public SimulatedGpioException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static SimulatedGpioException FromReply(string reply) =>
        new(reply.StartsWith("err ", StringComparison.Ordinal) ? reply[4..] : $"unexpected reply '{reply}'");
}
