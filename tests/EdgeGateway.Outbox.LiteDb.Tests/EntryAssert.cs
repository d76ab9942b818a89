using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.Outbox.LiteDb.Tests;

/// <summary>OutboxEntry is a record holding a byte[], so its equality compares array references; this compares bytes.</summary>
internal static class EntryAssert
{
    public static void Equal(IEnumerable<OutboxEntry> expected, IEnumerable<OutboxEntry> actual) =>
        Assert.Equal(expected.Select(Key), actual.Select(Key));

    private static (long Seq, string EventId, Lane Lane, string TopicLeaf, string Payload) Key(OutboxEntry e) =>
        (e.Seq, e.EventId, e.Lane, e.TopicLeaf, Convert.ToHexString(e.Payload));
}
