using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// The durable queue between inputs and the uplink: store first, forward second, remove only after PUBACK.
/// Implementations are thread-safe. The contract is pinned by the outbox contract tests, which every store runs.
/// </summary>
public interface IOutboxStore : IDisposable
{
    /// <summary>Opens or creates the store. Called once at start; fails loudly if the store cannot be used.</summary>
    void Open();

    /// <summary>
    /// Stores each draft with the seq it was given (by <see cref="SeqAllocator"/>, ascending; the store never gives
    /// out seqs) and returns their entries. Returns only when the entries are on the storage device (flushed, not just
    /// committed), so an accepted event survives a power cut. A draft whose seq already holds the same event (an
    /// append that overran its deadline and landed after all) is not stored twice: its stored entry is returned.
    /// </summary>
    /// <param name="drafts">The drafts with their seqs.</param>
    /// <param name="durable">
    /// Called once with the entries as soon as they are on the device, on the thread that put them there, before
    /// Append returns: the forwarder gets an alarm without waiting for the caller's thread to wake. Not called when
    /// Append throws, nor when a guard gave up waiting for the call (the caller then holds the drafts itself).
    /// It must not throw or block.
    /// </param>
    IReadOnlyList<OutboxEntry> Append(IReadOnlyList<NumberedDraft> drafts, Action<IReadOnlyList<OutboxEntry>>? durable = null);

    /// <summary>Up to <paramref name="max"/> waiting entries: alarm lane first, then events, then telemetry; by seq within a lane.</summary>
    IReadOnlyList<OutboxEntry> ReadPending(int max);

    /// <summary>
    /// Removes entries the broker has acknowledged. Unknown entries are ignored. Not flushed on its own (the next
    /// append flushes it): a removal lost to a power cut only means the entry is sent again.
    /// </summary>
    void Remove(IReadOnlyCollection<OutboxEntry> entries);

    /// <summary>
    /// Moves entries the broker will never take (a poison message) out of their lane into the kept-on-disk set-aside
    /// state, durably: <see cref="ReadPending"/> no longer returns them, so they cannot block the entries behind them,
    /// and they survive a restart. Entries not pending (unknown, removed, already set aside) are ignored. Returns the
    /// entries that were set aside.
    /// </summary>
    IReadOnlyList<OutboxEntry> SetAside(IReadOnlyCollection<OutboxEntry> entries, string reason);

    /// <summary>Entries in the set-aside state.</summary>
    long SetAsideCount { get; }

    /// <summary>Up to <paramref name="max"/> set-aside entries with the reason each was set aside, by seq.</summary>
    IReadOnlyList<SetAsideEntry> ReadSetAside(int max);

    /// <summary>
    /// Puts every set-aside entry back into its lane (at its old place by seq) to be tried again: on reconnect and on
    /// the center's <c>retry-set-aside</c> command. Returns how many were restored.
    /// </summary>
    int RestoreSetAside();

    /// <summary>Entries dropped unsent to respect <see cref="OutboxOptions"/> (never alarms).</summary>
    OutboxDrops Dropped { get; }

    /// <summary>
    /// The last corruption the store recovered from (at open, or data it found unreadable later and skipped), or
    /// null. A new instance for each, so the gateway reports each as a <c>corrupt-store</c> fault.
    /// </summary>
    OutboxRecovery? Recovery { get; }

    /// <summary>Entries waiting per lane.</summary>
    OutboxDepth Depth { get; }

    /// <summary>
    /// The timestamp of the oldest entry waiting in <paramref name="lane"/> (when its event was accepted), or null when
    /// the lane is empty. For health reports: reads one entry, never scans the lane.
    /// </summary>
    DateTimeOffset? OldestTimestamp(Lane lane);

    /// <summary>
    /// Records durably, without needing new space on the device (a full disk must take it), that seqs up to
    /// <paramref name="seq"/> may be given out (replacing the record before); <see cref="ReservedSeq"/> then reads it,
    /// also after a kill. Works whether or not the store is open; throws if the record cannot be written.
    /// </summary>
    void ReserveSeq(long seq);

    /// <summary>The highest seq <see cref="ReserveSeq"/> recorded (0 if none); readable before <see cref="Open"/>.</summary>
    long ReservedSeq { get; }

    /// <summary>
    /// The highest seq the store's own records hold or held (0 before the first event). It may go down after a
    /// reopen (a salvaged or truncated file): <see cref="SeqAllocator"/> never follows it down.
    /// </summary>
    long LastSeq { get; }
}

/// <summary>What every store does with <see cref="IOutboxStore.Append"/>'s <c>durable</c> once its entries are on the device.</summary>
public static class DurableEntries
{
    /// <summary>Hands <paramref name="entries"/> to <paramref name="durable"/> (if any) and returns them.</summary>
    public static IReadOnlyList<OutboxEntry> HandOn(this IReadOnlyList<OutboxEntry> entries, Action<IReadOnlyList<OutboxEntry>>? durable)
    {
        durable?.Invoke(entries);
        return entries;
    }
}
