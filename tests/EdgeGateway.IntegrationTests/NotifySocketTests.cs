using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// The real edge-gateway process against a fake systemd: a Unix datagram socket the test owns, passed as
/// <c>NOTIFY_SOCKET</c> with <c>WATCHDOG_USEC</c>, as systemd would for <c>Type=notify</c> and <c>WatchdogSec=</c>.
/// </summary>
public sealed class NotifySocketTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Gateway_UnderFakeSystemd_SendsReady_ThenWatchdogPings_ThenStopping()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var gateway = Gateway.Create(broker.Port, [Gateway.Input("office-panic", 17, "panic")]);
        var socketPath = Path.Combine(gateway.Directory, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var datagrams = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var receiving = ReceiveAsync(socket, datagrams, stop.Token);
        gateway.EnvironmentVariables["NOTIFY_SOCKET"] = socketPath;
        gateway.EnvironmentVariables["WATCHDOG_USEC"] = "2000000";

        await gateway.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => datagrams.Contains("READY=1"), s_wait);
        // Every second (half of 2 s) while the input loop and the forwarder are alive.
        await GatewayProcess.WaitUntilAsync(() => datagrams.Count(d => d == "WATCHDOG=1") >= 3, s_wait);
        await gateway.StopAsync();
        await GatewayProcess.WaitUntilAsync(() => datagrams.Contains("STOPPING=1"), s_wait);
        await stop.CancelAsync();
        await receiving;

        var all = datagrams.ToList();
        Assert.True(all.IndexOf("READY=1") < all.IndexOf("WATCHDOG=1"), string.Join(" | ", all));
        Assert.Contains(all, d => d.StartsWith("STATUS=inputs live", StringComparison.Ordinal));
        Assert.Contains("systemd watchdog on: interval 2 s", gateway.Output, StringComparison.Ordinal);
    }

    private static async Task ReceiveAsync(Socket socket, ConcurrentQueue<string> datagrams, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                datagrams.Enqueue(Encoding.UTF8.GetString(buffer, 0, length));
            }
        }
        catch (OperationCanceledException)
        {
            // Test over.
        }
    }
}
