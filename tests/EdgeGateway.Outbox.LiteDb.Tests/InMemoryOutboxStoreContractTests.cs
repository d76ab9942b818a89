using EdgeGateway.Core.Outbox;
using EdgeGateway.TestKit;

namespace EdgeGateway.Outbox.LiteDb.Tests;

public sealed class InMemoryOutboxStoreContractTests : OutboxStoreContractTests
{
    protected override IOutboxStore CreateStore(OutboxOptions limits) => new InMemoryOutboxStore(Identity, limits);
}
