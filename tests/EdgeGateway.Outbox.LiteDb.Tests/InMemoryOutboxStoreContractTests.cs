using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;

namespace EdgeGateway.Outbox.LiteDb.Tests;

public sealed class InMemoryOutboxStoreContractTests : OutboxStoreContractTests
{
    [Fact]
    public void FailNextAppend_RefusesOneAppend_StoresNothingAndConsumesNoSeq_AsTheLiteDbStoreDoes()
    {
        using var store = new InMemoryOutboxStore(Identity);
        var refused = new List<Exception>();
        store.AppendRefused += refused.Add;
        var failure = new IOException("No space left on device");
        store.FailNextAppend(failure);

        var thrown = Assert.Throws<IOException>(() => store.AppendNext(Drafts(EventKind.Panic)));
        var retried = store.AppendNext(Drafts(EventKind.Panic));

        Assert.Same(failure, thrown);
        Assert.Equal([failure], refused);
        Assert.Equal([1L], retried.Select(e => e.Seq));
        Assert.Single(store.Accepted);
        Assert.Equal(1, store.Depth.Total);
    }

    protected override IOutboxStore CreateStore(OutboxOptions limits) => new InMemoryOutboxStore(Identity, limits);
}
