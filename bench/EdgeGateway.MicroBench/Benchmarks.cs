using BenchmarkDotNet.Attributes;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Outbox.LiteDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.MicroBench;

/// <summary>Shared drafts: what an input change and a telemetry sample look like when they reach the outbox.</summary>
internal static class Samples
{
    public static GatewayIdentity Identity { get; } = new("campus-north", "gw-a12", TimeProvider.System);

    public static EventDraft Alarm(DateTimeOffset now) =>
        new(Guid.CreateVersion7(now).ToString(), "office-panic", EventKind.Panic, EventState.Active, now, ClockSynced: true, "building A, room 12");

    public static EventDraft Telemetry(DateTimeOffset now) =>
        new(Guid.CreateVersion7(now).ToString(), "cold-room-temp", EventKind.Generic, EventState.Active, now, ClockSynced: true, "kitchen cold room") { Lane = Lane.Telemetry };
}

/// <summary>An event serialised once, at acceptance, into the bytes that are stored and published.</summary>
[MemoryDiagnoser]
public class EventSerialisationBenchmarks
{
    private readonly EventDraft _alarm = Samples.Alarm(TimeProvider.System.GetUtcNow());
    private readonly EventDraft _fault = EventDraft.Fault(
        Guid.NewGuid().ToString(),
        "uplink",
        EventState.Restored,
        TimeProvider.System.GetUtcNow(),
        clockSynced: true,
        new Dictionary<string, string> { ["start"] = "2026-11-29T05:00:00.000Z", ["end"] = "2026-11-29T05:03:10.000Z", ["durationS"] = "190" });

    [Benchmark(Baseline = true)]
    public byte[] AlarmEvent() => EventPayload.Serialize(_alarm, 4711, Samples.Identity);

    [Benchmark]
    public byte[] FaultEventWithDetail() => EventPayload.Serialize(_fault, 4712, Samples.Identity);
}

/// <summary>
/// The durable outbox on this machine's disk: an alarm appended (one journal write and fsync) and removed after its
/// PUBACK; a telemetry batch of 10 the same way. Disk-bound: the fsync is the point.
/// </summary>
[MemoryDiagnoser]
public class OutboxBenchmarks
{
    private string _directory = "";
    private LiteDbOutboxStore? _store;
    private EventDraft[] _alarm = [];
    private EventDraft[] _telemetry = [];
    private long _lastSeq;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("edge-gateway-microbench-").FullName;
        _store = new LiteDbOutboxStore(Path.Combine(_directory, "outbox.db"), Samples.Identity, NullLogger<LiteDbOutboxStore>.Instance, openFile: null);
        _store.Open();
        var now = TimeProvider.System.GetUtcNow();
        _alarm = [Samples.Alarm(now)];
        _telemetry = [.. Enumerable.Range(0, 10).Select(_ => Samples.Telemetry(now))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public void AppendAndRemoveAlarm() => _store!.Remove([.. _store.Append(Numbered(_alarm))]);

    [Benchmark]
    public void AppendAndRemoveTelemetryBatchOf10() => _store!.Remove([.. _store.Append(Numbered(_telemetry))]);

    [Benchmark]
    public int ReadPending() => _store!.ReadPending(100).Count;

    // As the writer's allocator does: every append gets new seqs.
    private NumberedDraft[] Numbered(EventDraft[] drafts) => [.. drafts.Select(d => new NumberedDraft(++_lastSeq, d))];
}

/// <summary>The input filter: a contact bouncing every millisecond for 30 ms, then settling, evaluated per observation.</summary>
[MemoryDiagnoser]
public class InputFilteringBenchmarks
{
    private const int Observations = 1000;

    private readonly InputOptions _options = new() { Id = "hall-door", Pin = 22, Kind = EventKind.Door, DebounceMs = 20 };

    [Benchmark(OperationsPerInvoke = Observations)]
    public int BouncingContact()
    {
        var channel = new InputChannel(_options);
        var transitions = 0;
        for (var i = 0; i < Observations; i++)
        {
            var now = TimeSpan.FromMilliseconds(i);

            // Bounces for the first 30 ms of every 100 ms, then holds the level of that period.
            var level = i % 100 < 30 ? i % 2 == 0 : (i / 100) % 2 == 0;
            channel.Observe(level, now);
            if (channel.Evaluate(now) is not null)
            {
                transitions++;
            }
        }

        return transitions;
    }
}
