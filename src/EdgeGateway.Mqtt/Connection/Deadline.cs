namespace EdgeGateway.Mqtt.Connection;

/// <summary>
/// A token that fires after <c>after</c> on the injected clock, or when the caller's token fires. MQTTnet applies its own
/// timeout only to tokens that cannot be cancelled, so every wait on the broker carries one of these.
/// </summary>
internal sealed class Deadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    public Deadline(TimeSpan after, TimeProvider time, CancellationToken cancellationToken)
    {
        _timer = new CancellationTokenSource(after, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timer.Token);
    }

    public CancellationToken Token => _linked.Token;

    /// <summary>The deadline itself fired (not the caller's token).</summary>
    public bool Expired => _timer.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
