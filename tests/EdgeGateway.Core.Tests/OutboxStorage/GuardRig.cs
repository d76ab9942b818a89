using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Tests.Support;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.OutboxStorage;

/// <summary>The outbox as the host composes it: a store that can be made to fail, the guard around it, the writer and the recorder.</summary>
internal sealed class GuardRig
{
    /// <param name="maxUnwrittenEntries">Outbox:MaxUnwrittenEntries.</param>
    /// <param name="disk">The store beneath, kept across a kill: a rig over another rig's store is a restart.</param>
    public GuardRig(int maxUnwrittenEntries = 20_000, InMemoryOutboxStore? disk = null)
    {
        var identity = TestIdentity.Create(Time);
        Disk = disk ?? new InMemoryOutboxStore(identity);
        Faulty = new FaultyOutboxStore(Disk);
        var options = Options.Create(new OutboxOptions { MaxUnwrittenEntries = maxUnwrittenEntries, WriteDeadlineMs = WriteDeadlineMs });
        Guard = new GuardedOutboxStore(Faulty, Health, Unwritten, Time, NullLogger<GuardedOutboxStore>.Instance, options);
        var clock = new FixedClockSync(true);
        Writer = new OutboxWriter(
            Guard,
            Unwritten,
            Signal,
            identity,
            clock,
            Time,
            NullLogger<OutboxWriter>.Instance,
            options,
            Health);
        Recorder = new EventRecorder(Writer, identity, clock, Time);
    }

    /// <summary>The guard's deadline on every store call.</summary>
    public const int WriteDeadlineMs = 2000;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero));

    public StorageHealth Health { get; } = new();

    public UnwrittenEntries Unwritten { get; } = new();

    public OutboxSignal Signal { get; } = new();

    public InMemoryOutboxStore Disk { get; }

    public FaultyOutboxStore Faulty { get; }

    public GuardedOutboxStore Guard { get; }

    public OutboxWriter Writer { get; }

    public EventRecorder Recorder { get; }

    /// <summary>What the store beneath holds, in seq order.</summary>
    public IReadOnlyList<OutboxEntry> Stored => [.. Faulty.Inner.ReadPending(1_000_000).OrderBy(e => e.Seq)];

    public IReadOnlyList<OutboxEntry> Press(EventKind kind = EventKind.Panic) =>
        Recorder.Record([new NewEvent("office-panic", kind, EventState.Active, "office")]);

    public IReadOnlyList<OutboxEntry> Telemetry() =>
        Recorder.Record([new NewEvent("cold-room", EventKind.Telemetry, EventState.Active, "kitchen", Telemetry: new TelemetrySample("ds18b20", new SensorReadings(4.5)))]);

    /// <summary>The storage faults stored or held, as their states in seq order.</summary>
    public IReadOnlyList<string> StorageFaults => [.. Stored.Concat(Unwritten.Pending).DistinctBy(e => e.EventId).OrderBy(e => e.Seq)
        .Select(e => System.Text.Json.JsonDocument.Parse(e.Payload).RootElement)
        .Where(j => j.GetProperty("kind").GetString() == "fault" && j.GetProperty("detail").GetProperty("fault").GetString() == "storage")
        .Select(j => j.GetProperty("state").GetString()!)];

    /// <summary>Advances the fake clock a tenth of <paramref name="step"/> at a time (the guard's timer may not be set yet) until <paramref name="call"/> returns.</summary>
    public async Task AdvanceUntilAsync(Task call, TimeSpan step)
    {
        var steps = 0;
        while (!call.IsCompleted)
        {
            Assert.True(++steps < 10_000, "the press never returned");
            Time.Advance(step / 10);
            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System);
        }
    }

    /// <summary>Polls <paramref name="done"/> on the real clock (a store call returning on its own thread); fails after about 30 s.</summary>
    public static async Task WaitUntilAsync(Func<bool> done)
    {
        var steps = 0;
        while (!done())
        {
            Assert.True(++steps < 30_000, "never happened");
            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System);
        }
    }
}
