using System.Net.Sockets;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests.Chaos;

/// <summary>
/// A guard on patrol: presses and lets go of the panic buttons, the door and the motion sensor in turn, at a steady
/// pace, through the simulated GPIO socket, whatever state the gateway is in.
/// </summary>
internal sealed class ChaosGuard(GatewayProcess gateway)
{
    /// <summary>office-panic, hall-door, hall-panic, store-pir: a panic every second press.</summary>
    public static readonly int[] PinsInTurn = [17, 22, 18, 24];

    private static readonly TimeSpan s_held = TimeSpan.FromMilliseconds(120);
    private static readonly TimeSpan s_between = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_socketDeadline = TimeSpan.FromSeconds(5);
    private int _presses;
    private int _refused;

    /// <summary>Presses the gateway's sim socket answered <c>ok</c>.</summary>
    public int Presses => Volatile.Read(ref _presses);

    /// <summary>Presses that found no gateway (killed, starting) or no answer within the deadline.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public async Task PatrolAsync(CancellationToken stop)
    {
        try
        {
            for (var turn = 0; ; turn++)
            {
                var pin = PinsInTurn[turn % PinsInTurn.Length];
                if (await SetAsync(pin, "low", stop))
                {
                    Interlocked.Increment(ref _presses);
                }
                else
                {
                    Interlocked.Increment(ref _refused);
                }

                await Task.Delay(s_held, TimeProvider.System, stop);
                await SetAsync(pin, "high", stop);
                await Task.Delay(s_between, TimeProvider.System, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Patrol over.
        }
    }

    private async Task<bool> SetAsync(int pin, string level, CancellationToken stop)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(s_socketDeadline);
        try
        {
            return await gateway.SimAsync($"set {pin} {level}", deadline.Token) == "ok";
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            // Killed or not started yet: the socket file is gone or nobody listens on it.
            return false;
        }
    }
}
