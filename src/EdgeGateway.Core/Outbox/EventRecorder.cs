using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Turns input transitions and gateway faults into events: gives each an id and the time, clock-sync and test-mode
/// stamps, and hands them to the <see cref="OutboxWriter"/> as one batch.
/// </summary>
public sealed class EventRecorder(OutboxWriter writer, GatewayIdentity identity, IClockSync clock, TimeProvider time)
{
    private static readonly Func<string, bool> s_everything = _ => true;

    private volatile Func<string, bool>? _underTest;

    public GatewayIdentity Identity => identity;

    /// <summary>Raised (outside the writer's lock) with the entries of every recorded batch, on disk or in memory.</summary>
    public event Action<IReadOnlyList<OutboxEntry>>? Accepted;

    /// <summary>Raised with every activation marked as a test (a test press), before it is written and published.</summary>
    public event Action<EventDraft>? TestPressed;

    /// <summary>
    /// Test mode for every input and sensor: their events are marked <c>"test": true</c>. Set by
    /// <c>edge-gateway walk-test</c>; the center's <c>test-mode</c> command sets <see cref="UnderTest"/> instead. Never
    /// from configuration, so a running service cannot be left in it by a file.
    /// </summary>
    public bool TestMode
    {
        get => _underTest is not null;
        set => _underTest = value ? s_everything : null;
    }

    /// <summary>
    /// Which sources (input or sensor ids) are under test now: their events are marked <c>"test": true</c>; null when
    /// nothing is. Faults of the gateway itself (<see cref="RecordFault"/>) are never tests.
    /// </summary>
    public Func<string, bool>? UnderTest
    {
        get => _underTest;
        set => _underTest = value;
    }

    /// <summary>Records the transitions as one batch (one flush).</summary>
    public IReadOnlyList<OutboxEntry> Record(IReadOnlyList<(InputChannel Channel, EventState State)> transitions) =>
        Record([.. transitions.Select(t => t.Channel.EventOf(t.State))]);

    /// <summary>Stamps events (input transitions, supervision faults, sensor alarms, telemetry) and records them as one batch.</summary>
    public IReadOnlyList<OutboxEntry> Record(IReadOnlyList<NewEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var now = time.GetUtcNow();
        var synced = clock.IsSynchronized;
        var underTest = _underTest;
        return Record([.. events.Select(e => new EventDraft(EventDraft.NewId(now), e.Source, e.Kind, e.State, now, synced, e.Location, underTest?.Invoke(e.Source) == true)
        {
            Detail = e.Detail,
            Telemetry = e.Telemetry,
        })]);
    }

    /// <summary>Records a fault of the gateway itself (<c>uplink</c>, <c>outbox</c>, …) on the alarm lane.</summary>
    public IReadOnlyList<OutboxEntry> RecordFault(string source, EventState state, IReadOnlyDictionary<string, string> detail)
    {
        var now = time.GetUtcNow();
        return Record([EventDraft.Fault(EventDraft.NewId(now), source, state, now, clock.IsSynchronized, detail)]);
    }

    /// <summary>
    /// Records drafts in order. Returns their entries: on disk, or (while the disk refuses) in memory with the
    /// seq they will have once written.
    /// </summary>
    public IReadOnlyList<OutboxEntry> Record(IReadOnlyList<EventDraft> drafts)
    {
        // Before the write: the thread that stores an alarm publishes it, so its ack may come back before Write returns.
        foreach (var press in drafts.Where(d => d.Test && d.State == EventState.Active))
        {
            TestPressed?.Invoke(press);
        }

        var recorded = writer.Write(drafts);
        Accepted?.Invoke(recorded);
        return recorded;
    }
}
