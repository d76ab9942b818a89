using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Rigs;

/// <summary>An <see cref="EventRecorder"/> over an in-memory outbox on a fake clock, and what it stored.</summary>
internal sealed class RecorderRig
{
    public RecorderRig()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero));
        Identity = new GatewayIdentity("hy-school-017", "gw1", Time);
        Store = new InMemoryOutboxStore(Identity);
        var clock = new SyncedClock();
        Recorder = new EventRecorder(new OutboxWriter(Store, new UnwrittenEntries(), Signal, Identity, clock, Time, NullLogger<OutboxWriter>.Instance), Identity, clock, Time);
    }

    public FakeTimeProvider Time { get; }

    public GatewayIdentity Identity { get; }

    public InMemoryOutboxStore Store { get; }

    /// <summary>What wakes the forwarder and hands it the alarms written.</summary>
    public OutboxSignal Signal { get; } = new();

    public EventRecorder Recorder { get; }

    /// <summary>Everything stored so far, in sequence order.</summary>
    public IReadOnlyList<OutboxEntry> Entries => [.. Store.ReadPending(10_000).OrderBy(e => e.Seq)];

    /// <summary>Stored messages as (input, kind, state) of events, in sequence order.</summary>
    public IReadOnlyList<string> Summaries => [.. Entries.Select(e => Summary(e.Payload))];

    /// <summary>Advances the fake clock a <paramref name="step"/> at a time, letting a monitor loop run between steps, until <paramref name="done"/>.</summary>
    public async Task RunUntilAsync(Func<bool> done, TimeSpan step, CancellationToken cancellationToken)
    {
        while (!done())
        {
            Time.Advance(step);

            // A real-time pause so the monitor's thread-pool loop can take its turn; the gateway's clock stays fake.
            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System, cancellationToken);
        }
    }

    public static string Summary(byte[] payload)
    {
        using var json = System.Text.Json.JsonDocument.Parse(payload);
        var root = json.RootElement;
        return $"{root.GetProperty("input").GetString()} {root.GetProperty("kind").GetString()} {root.GetProperty("state").GetString()}";
    }

    private sealed class SyncedClock : IClockSync
    {
        public bool IsSynchronized => true;
    }
}
