using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.TestKit;

/// <summary>For tests that fill a store without a writer: numbers drafts the way a writer starting over it would.</summary>
public static class OutboxStoreAppending
{
    /// <summary>Appends <paramref name="drafts"/> with the seqs after every one the store holds or has reserved.</summary>
    public static IReadOnlyList<OutboxEntry> AppendNext(this IOutboxStore store, IReadOnlyList<EventDraft> drafts)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(drafts);
        var last = Math.Max(store.LastSeq, store.ReservedSeq);
        return store.Append([.. drafts.Select((draft, i) => new NumberedDraft(last + 1 + i, draft))]);
    }
}
