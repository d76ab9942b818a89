using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeGateway.Center;

namespace EdgeGateway.Fleet;

/// <summary>
/// Two edge-center instances in one shared-subscription group, auto-acknowledging alarms as an operator console
/// would. Records, per event id, the first arrival at either center, its age (event ts → receive) and how often
/// it arrived: each center dedups on its own, so a redelivery that lands on the other center is counted here.
/// </summary>
internal sealed class CenterPair : IAsyncDisposable
{
    private readonly CenterConsole[] _centers;
    private readonly ConcurrentDictionary<string, Arrival> _arrivals = new(StringComparer.Ordinal);
    private long _crossCenterDuplicates;

    public CenterPair(int port, FleetSettings settings)
    {
        _centers = [.. new[] { "a", "b" }.Select(name => new CenterConsole(
            new CenterOptions
            {
                Port = port,
                Group = "center",
                ClientId = $"fleet-center-{name}",
                AutoAck = settings.CenterAck,
                SessionExpirySeconds = settings.CenterSessionExpirySeconds,
                Operator = "edge-fleet",
            },
            TimeProvider.System))];
        foreach (var center in _centers)
        {
            center.Received += OnReceived;
        }
    }

    /// <summary>False when the broker refused <c>$share</c> and each center receives everything.</summary>
    public bool Shared => _centers.All(c => c.SharedSubscription);

    /// <summary>Messages that arrived again: within one center (its own dedup) or at the other center.</summary>
    public long Duplicates => _centers.Sum(c => c.Duplicates) + Interlocked.Read(ref _crossCenterDuplicates);

    public bool TryGetArrival(string id, out Arrival arrival) => _arrivals.TryGetValue(id, out arrival!);

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        foreach (var center in _centers)
        {
            await center.ConnectAsync(cancellationToken);
        }
    }

    /// <summary>After a broker restart: waits until both centers, which reconnect by themselves, are connected again.</summary>
    public async Task ReconnectAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (!_centers.All(c => c.IsConnected))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var center in _centers)
        {
            try
            {
                await center.DisposeAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The broker may already be gone at the end of the run.
            }
        }
    }

    private void OnReceived(CenterMessage message, TimeSpan age)
    {
        var now = Stopwatch.GetTimestamp();
        var arrival = _arrivals.AddOrUpdate(
            message.Id,
            _ => new Arrival(now, age.TotalMilliseconds, 1),
            (_, first) => first with { Count = first.Count + 1 });
        if (arrival.Count > 1)
        {
            Interlocked.Increment(ref _crossCenterDuplicates);
        }
    }

    /// <summary>First arrival of an event at either center.</summary>
    /// <param name="At">Stopwatch timestamp of the first arrival.</param>
    /// <param name="LatencyMs">Event ts (gateway accept time) to the first center receive, same machine clock.</param>
    /// <param name="Count">Arrivals at centers that had not seen it yet (1 or 2).</param>
    internal readonly record struct Arrival(long At, double LatencyMs, int Count);
}
