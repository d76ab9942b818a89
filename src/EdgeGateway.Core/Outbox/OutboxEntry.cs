using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Outbox;

/// <summary>An accepted event waiting in the outbox for the broker's PUBACK.</summary>
/// <param name="Seq">Per-gateway sequence number: ascending, never reused (a restart may skip some: <see cref="SeqAllocator"/>).</param>
/// <param name="EventId">Stable id; the center deduplicates on it.</param>
/// <param name="Lane">Priority lane.</param>
/// <param name="TopicLeaf">Last topic segment: <c>alarm</c>, <c>event</c> or <c>telemetry</c>.</param>
/// <param name="Payload">The exact message bytes, serialised once at acceptance.</param>
public sealed record OutboxEntry(long Seq, string EventId, Lane Lane, string TopicLeaf, byte[] Payload)
{
    public static OutboxEntry Create(EventDraft draft, long seq, GatewayIdentity identity) => new(
        seq,
        draft.Id,
        draft.Lane,
        LaneRules.TopicLeafOf(draft.Lane),
        draft.Telemetry is null ? EventPayload.Serialize(draft, seq, identity) : TelemetryPayload.Serialize(draft, seq, identity));
}

/// <summary>A draft with the seq <see cref="SeqAllocator"/> gave it, for <see cref="IOutboxStore.Append"/>.</summary>
public readonly record struct NumberedDraft(long Seq, EventDraft Draft);

/// <summary>How many entries wait in each lane.</summary>
public readonly record struct OutboxDepth(long Alarm, long Event, long Telemetry)
{
    public long Total => Alarm + Event + Telemetry;
}

/// <summary>An entry the broker would not take, kept aside with the reason (e.g. <c>PacketTooLarge</c>).</summary>
public sealed record SetAsideEntry(OutboxEntry Entry, string Reason);
