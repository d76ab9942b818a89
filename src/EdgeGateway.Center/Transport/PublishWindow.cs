namespace EdgeGateway.Center.Transport;

/// <summary>
/// QoS 1 publishes the handling loop starts without waiting for each PUBACK: a storm's acks then cost one round trip
/// per window, not one per alarm, and the loop waits only while the window is full. One caller at a time (the loop).
/// </summary>
/// <param name="size">How many may await their PUBACK at once (read at every start: the broker's limit can change at a reconnect).</param>
/// <param name="failed">Told of a publish that failed (it has its own deadline); the others go on.</param>
internal sealed class PublishWindow(Func<int> size, Action<Exception> failed)
{
    private readonly List<Task> _pending = [];

    /// <summary>Takes <paramref name="publish"/> into the window; returns once fewer than the window's size await their PUBACK.</summary>
    public async Task StartAsync(Task publish)
    {
        _pending.Add(ObserveAsync(publish));
        _pending.RemoveAll(p => p.IsCompleted);
        while (_pending.Count >= size())
        {
            await Task.WhenAny(_pending);
            _pending.RemoveAll(p => p.IsCompleted);
        }
    }

    private async Task ObserveAsync(Task publish)
    {
        try
        {
            await publish;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failed(ex);
        }
    }
}
