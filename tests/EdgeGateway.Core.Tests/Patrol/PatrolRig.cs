using System.Text.Json;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Patrol;
using EdgeGateway.Core.Tests.Rigs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Patrol;

/// <summary>A <see cref="PatrolWatch"/> on a fake clock (UTC local time, 05:00 at the start) over an in-memory outbox, saving into a temporary data directory.</summary>
internal sealed class PatrolRig : IDisposable
{
    private const int SaveDeadlineMs = 60_000;

    private readonly List<PatrolWatch> _watches = [];

    public PatrolRig(params PatrolRoundOptions[] rounds)
    {
        Rounds = rounds;
        Recorder.Time.SetLocalTimeZone(TimeZoneInfo.Utc);
        Directory.CreateDirectory(DataDirectory);
    }

    public RecorderRig Recorder { get; } = new();

    public string DataDirectory { get; set; } = Path.Combine(Path.GetTempPath(), $"patrol-{Guid.NewGuid():N}");

    public PatrolRoundOptions[] Rounds { get; }

    /// <summary>The (input kind state) of every event recorded.</summary>
    public IReadOnlyList<string> Summaries => Recorder.Summaries;

    public static PatrolRoundOptions Round(bool ordered = false, params string[] times) => new()
    {
        Id = "night",
        Checkpoints = ["cp-gate", "cp-lab", "cp-dorm"],
        Ordered = ordered,
        Times = [.. times],
        MaxDurationSeconds = 600,
    };

    /// <summary>A started watch (a second one over the same data directory is the gateway after a restart).</summary>
    public async Task<PatrolWatch> StartAsync()
    {
        var watch = new PatrolWatch(
            Options.Create(new PatrolOptions { Rounds = [.. Rounds] }),
            Options.Create(new GatewayOptions { SiteId = "hy-school-017", GatewayId = "gw1", DataDirectory = DataDirectory }),
            Options.Create(new OutboxOptions { WriteDeadlineMs = SaveDeadlineMs }),
            Recorder.Recorder,
            Recorder.Time,
            NullLogger<PatrolWatch>.Instance);
        _watches.Add(watch);
        await watch.StartAsync(CancellationToken.None);
        return watch;
    }

    /// <summary>
    /// Advances the fake clock in steps shorter than the save deadline, letting each save the watch started reach the
    /// (real) disk before the next: one long jump would let a save's deadline pass on the fake clock meanwhile.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        var step = TimeSpan.FromMilliseconds(SaveDeadlineMs / 2);
        for (var left = by; left > TimeSpan.Zero; left -= step)
        {
            Recorder.Time.Advance(left < step ? left : step);
            await Task.WhenAll(_watches.Select(w => w.LastSave));
        }
    }

    /// <summary>The detail of the last event of <paramref name="kind"/>.</summary>
    public Dictionary<string, string> LastDetail(string kind)
    {
        var payload = Recorder.Entries.Select(e => e.Payload).Last(p => JsonDocument.Parse(p).RootElement.GetProperty("kind").GetString() == kind);
        using var json = JsonDocument.Parse(payload);
        return json.RootElement.GetProperty("detail").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    public void Dispose()
    {
        foreach (var watch in _watches)
        {
            watch.Dispose();
            watch.LastSave.Wait(TimeSpan.FromSeconds(30));
        }

        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
