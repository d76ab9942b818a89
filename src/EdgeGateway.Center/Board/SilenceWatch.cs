namespace EdgeGateway.Center.Board;

/// <summary>
/// Looks over the board every <see cref="CheckInterval"/> for gateways that turned silent and reports each once, so a
/// silence is announced at most that long after the reporting time ran out. Being heard again is reported by the board
/// at once (<see cref="GatewayBoard.HeardAgain"/>).
/// </summary>
internal sealed class SilenceWatch : IDisposable
{
    /// <summary>Short against any reporting time worth having (EN 50136's shortest is 20 s), cheap for thousands of gateways.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly GatewayBoard _board;
    private readonly Action<GatewayBoardEntry> _silent;
    private readonly Action<Exception> _failed;
    private readonly ITimer _timer;

    public SilenceWatch(GatewayBoard board, TimeProvider time, Action<GatewayBoardEntry> silent, Action<Exception> failed)
    {
        _board = board;
        _silent = silent;
        _failed = failed;
        _timer = time.CreateTimer(_ => Check(), null, CheckInterval, CheckInterval);
    }

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        foreach (var entry in _board.NewlySilent())
        {
            try
            {
                _silent(entry);
            }
            catch (Exception ex)
            {
                // A view that throws must not stop supervision of the other gateways.
                _failed(ex);
            }
        }
    }
}
