using System.Collections;
using System.Reflection;
using LiteDB;
using LiteDB.Engine;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// Keeps LiteDB's open transactions away from its finalizer. A transaction that a failed commit or rollback left half
/// undone (a disk that failed inside LiteDB's commit) is finalized later on the GC's thread, and LiteDB 5.0.21's
/// finalizer throws there ("discarded page must be writable"): a process crash, long after the failure was handled.
/// LiteDB has no public way to reach them (its transaction monitor is internal), hence reflection; a LiteDB whose
/// internals moved makes <see cref="KeepFromFinalizer"/> throw, which its test turns into a failed build.
/// </summary>
internal static class OpenTransactions
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    /// <summary>Takes every transaction still open in <paramref name="db"/> off the finalizer queue; returns how many.</summary>
    public static int KeepFromFinalizer(LiteDatabase db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var engine = typeof(LiteDatabase).GetField("_engine", Private)?.GetValue(db) as LiteEngine
            ?? throw new MissingFieldException("LiteDatabase._engine is not a LiteEngine (LiteDB's internals changed).");
        var monitor = typeof(LiteEngine).GetField("_monitor", Private)?.GetValue(engine);
        if (monitor is null)
        {
            return 0; // not open: no transaction either
        }

        var transactions = monitor.GetType().GetField("_transactions", Private)?.GetValue(monitor) as IDictionary
            ?? throw new MissingFieldException("TransactionMonitor._transactions is gone (LiteDB's internals changed).");

        // LiteDB guards the dictionary with itself.
        List<object> open;
        lock (transactions)
        {
            open = [.. transactions.Values.Cast<object>()];
        }

        foreach (var transaction in open)
        {
            GC.SuppressFinalize(transaction);
        }

        return open.Count;
    }
}
