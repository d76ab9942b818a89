using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Fleet;

/// <summary>The simulated gateways of one run, their data folders under one temp root removed at the end.</summary>
internal sealed class Fleet : IAsyncDisposable
{
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(20);
    private readonly string _root;
    private readonly int _parallelism;

    private Fleet(string root, SimulatedGateway[] gateways, int parallelism)
    {
        _root = root;
        Gateways = gateways;
        _parallelism = parallelism;
    }

    public IReadOnlyList<SimulatedGateway> Gateways { get; }

    public int Connected => Gateways.Count(g => g.Connection.IsConnected);

    /// <summary>Entries waiting in all outboxes.</summary>
    public long Pending => Gateways.Sum(g => g.Store.Depth.Total);

    public long Reconnects => Gateways.Sum(g => g.Connection.Reconnects);

    /// <summary>Background services that died, counted by service and exception: none, in a healthy run.</summary>
    public string DeadServices()
    {
        var dead = Gateways.SelectMany(g => g.DeadServices).GroupBy(d => d).Select(d => $"{d.Count()} x {d.Key}").ToList();
        return dead.Count == 0 ? "none" : string.Join("; ", dead);
    }

    /// <summary>Creates and starts every gateway (outbox opened, connection loop running); returns how long that took.</summary>
    public static async Task<(Fleet Fleet, TimeSpan Started)> StartAsync(FleetSettings settings, int port, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("edge-fleet-").FullName;
        var gateways = new SimulatedGateway[settings.Gateways];
        var fleet = new Fleet(root, gateways, settings.StartParallelism);
        var clock = Stopwatch.StartNew();
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, settings.Gateways),
                new ParallelOptions { MaxDegreeOfParallelism = settings.StartParallelism, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    gateways[i] = SimulatedGateway.Create(i + 1, port, settings, root, logs);
                    await gateways[i].StartAsync(token);
                });
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }

        return (fleet, clock.Elapsed);
    }

    /// <summary>Stops every gateway as its host would (offline status, disconnect), disposes it and removes the data.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(s_stopTimeout);
        await Parallel.ForEachAsync(
            Gateways.Where(g => g is not null),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(_parallelism, 32) },
            async (gateway, _) =>
            {
                try
                {
                    await gateway.StopAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    // Out of time: disposing still closes the outbox and the socket.
                }

                await gateway.DisposeAsync();
            });
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"[fleet] could not remove {_root}: {ex.Message}");
        }
    }
}
