using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Outbox.LiteDb.Tests;

public sealed class LiteDbOutboxStoreContractTests : OutboxStoreContractTests
{
    private readonly TempDirectory _directory = new();

    protected override IOutboxStore CreateStore(OutboxOptions limits) =>
        new LiteDbOutboxStore(_directory.File("outbox.db"), Identity, NullLogger<LiteDbOutboxStore>.Instance, openFile: null, limits);

    protected override void Dispose(bool disposing)
    {
        // Stores first: the directory cannot go while they hold the files.
        base.Dispose(disposing);
        if (disposing)
        {
            _directory.Dispose();
        }
    }
}
