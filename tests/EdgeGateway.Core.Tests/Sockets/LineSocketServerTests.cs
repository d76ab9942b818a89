using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Threading.Channels;
using EdgeGateway.Core.Sockets;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Sockets;

/// <summary>A real Unix socket and real clients; the idle and backoff timings on a <see cref="FakeTimeProvider"/>.</summary>
public sealed class LineSocketServerTests : IAsyncLifetime
{
    private static readonly LineSocketLimits s_limits = new(MaxClients: 2, IdleTimeout: TimeSpan.FromSeconds(30));

    // Short: a Unix socket path must fit in 107 bytes. Only guards against a hang; nothing is timed by it.
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ls-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly CancellationTokenSource _hang = new(TimeSpan.FromSeconds(30));
    private readonly FakeTimeProvider _time = new();
    private readonly EchoProtocol _protocol = new();
    private readonly List<Socket> _clients = [];
    private LineSocketServer _server = null!;

    private string SocketPath => Path.Combine(_directory, "test.sock");

    public Task InitializeAsync()
    {
        _server = new LineSocketServer(SocketPath, _protocol, Encoding.ASCII, maxLineBytes: 64, backlog: 8, s_limits, _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _server.DisposeAsync();
        _hang.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void Start_SocketFileIsOwnerOnly()
    {
        _server.Start();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath));
    }

    [Fact]
    public async Task ClientOverTheCap_IsToldWhyAndClosed_TheOthersAreServed()
    {
        _server.Start();
        var first = await ConnectAsync();
        var second = await ConnectAsync();
        Assert.Equal("re: one", await ExchangeAsync(first, "one"));
        Assert.Equal("re: two", await ExchangeAsync(second, "two"));

        var third = await ConnectAsync();

        Assert.Equal("err busy: 2 clients are connected, the most this socket serves; try again later", await ReadLineAsync(third));
        Assert.Null(await ReadLineAsync(third));
        Assert.Equal("re: still", await ExchangeAsync(first, "still"));
    }

    [Fact]
    public async Task SilentClient_IsToldAndClosed_AfterTheIdleTimeout_OnTheInjectedClock()
    {
        _server.Start();
        var client = await ConnectAsync();
        Assert.Equal("re: hi", await ExchangeAsync(client, "hi"));

        // Each line restarts the idle time.
        _time.Advance(s_limits.IdleTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal("re: again", await ExchangeAsync(client, "again"));
        _time.Advance(s_limits.IdleTimeout);

        Assert.Equal("err idle for 30 s; closing", await ReadLineAsync(client));
        Assert.Null(await ReadLineAsync(client));
    }

    [Fact]
    public async Task AcceptErrors_AreReportedAndRetriedWithABackoff_TheServerKeepsServing()
    {
        var failures = 0;
        await _server.DisposeAsync();
        _server = new LineSocketServer(SocketPath, _protocol, Encoding.ASCII, maxLineBytes: 64, backlog: 8, s_limits, _time)
        {
            Accept = (listener, ct) => ++failures <= 2
                ? ValueTask.FromException<Socket>(new SocketException((int)SocketError.TooManyOpenSockets))
                : listener.AcceptAsync(ct),
        };
        _server.Start();
        var client = await ConnectAsync();

        var firstFailure = await _protocol.AcceptFailures.Reader.ReadAsync(_hang.Token);
        Assert.Equal(SocketError.TooManyOpenSockets, Assert.IsType<SocketException>(firstFailure.Error).SocketErrorCode);
        Assert.Equal(LineSocketServer.FirstAcceptBackoff, firstFailure.RetryIn);
        _time.Advance(firstFailure.RetryIn);
        var secondFailure = await _protocol.AcceptFailures.Reader.ReadAsync(_hang.Token);
        Assert.Equal(LineSocketServer.FirstAcceptBackoff * 2, secondFailure.RetryIn);
        _time.Advance(secondFailure.RetryIn);

        Assert.Equal("re: served", await ExchangeAsync(client, "served"));
        Assert.False(_protocol.AcceptFailures.Reader.TryRead(out _));
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _clients.Add(socket);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), _hang.Token);
        return socket;
    }

    private async Task<string?> ExchangeAsync(Socket client, string line)
    {
        await client.SendAsync(Encoding.ASCII.GetBytes(line + "\n"), _hang.Token);
        return await ReadLineAsync(client);
    }

    /// <summary>One line, byte by byte so nothing after it is consumed; null at end of stream.</summary>
    private async Task<string?> ReadLineAsync(Socket client)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (await client.ReceiveAsync(one, _hang.Token) == 1)
        {
            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString([.. line]);
            }

            line.Add(one[0]);
        }

        return line.Count == 0 ? null : Encoding.ASCII.GetString([.. line]);
    }

    private sealed class EchoProtocol : ILineProtocol
    {
        public Channel<(Exception Error, TimeSpan RetryIn)> AcceptFailures { get; } = Channel.CreateUnbounded<(Exception, TimeSpan)>();

        public bool Converses => true;

        public string? Greeting() => null;

        public string Reply(string line) => $"re: {line}";

        public void AcceptFailed(Exception exception, TimeSpan retryIn) => AcceptFailures.Writer.TryWrite((exception, retryIn));

        public void ClientFailed(Exception exception)
        {
        }
    }
}
