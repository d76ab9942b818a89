using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Turns input transitions and gateway faults into events: gives each an id and the time, clock-sync and test-mode
/// stamps, and hands them to the <see cref="OutboxWriter"/> as one batch.
/// </summary>
public sealed class EventRecorder(OutboxWriter writer, GatewayIdentity identity, IClockSync clock, TimeProvider time)
{
    private volatile bool _testMode;

    public GatewayIdentity Identity => identity;

    /// <summary>Raised (outside the writer's lock) with the entries of every recorded batch, on disk or in memory.</summary>
    public event Action<IReadOnlyList<OutboxEntry>>? Accepted;

    /// <summary>
    /// Test mode: every input and sensor event is marked <c>"test": true</c>. Set by <c>edge-gateway walk-test</c>
    /// and by the center's <c>test-mode</c> command (which always ends by itself after a timeout), never from
    /// configuration, so a running service cannot be left in it by a file.
    /// </summary>
    public bool TestMode
    {
        get => _testMode;
        set => _testMode = value;
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
        return Record([.. events.Select(e => new EventDraft(EventDraft.NewId(now), e.Source, e.Kind, e.State, now, synced, e.Location, TestMode)
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
        var recorded = writer.Write(drafts);
        Accepted?.Invoke(recorded);
        return recorded;
    }
}
