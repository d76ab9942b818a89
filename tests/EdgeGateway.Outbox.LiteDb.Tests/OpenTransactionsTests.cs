using LiteDB;

namespace EdgeGateway.Outbox.LiteDb.Tests;

/// <summary>The reflection into LiteDB's transaction monitor works with the LiteDB the store is built with.</summary>
public sealed class OpenTransactionsTests
{
    [Fact]
    public void KeepFromFinalizer_FindsTheTransactionsOpenInThisLiteDb()
    {
        using var data = new MemoryStream();
        using var log = new MemoryStream();
        using var db = new LiteDatabase(data, new BsonMapper(), log);
        Assert.Equal(0, OpenTransactions.KeepFromFinalizer(db));

        Assert.True(db.BeginTrans());
        db.GetCollection("probe").Insert(new BsonDocument { ["_id"] = 1 });

        Assert.Equal(1, OpenTransactions.KeepFromFinalizer(db));
        Assert.True(db.Rollback());
        Assert.Equal(0, OpenTransactions.KeepFromFinalizer(db));
    }
}
