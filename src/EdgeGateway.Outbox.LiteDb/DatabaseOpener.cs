using System.Globalization;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// Opens LiteDB's files into <paramref name="lanes"/> and recovers from what a crash or corruption left behind:
/// an unreadable log is set aside, and an unreadable data file is set aside for a fresh one.
/// </summary>
internal sealed class DatabaseOpener(string dataPath, string logPath, Func<string, FileStream> openFile, OutboxLanes lanes, ILogger logger)
{
    /// <summary>Opens the database, without a log LiteDB cannot read. Disk errors are thrown as they are.</summary>
    public OutboxDatabase Open()
    {
        try
        {
            return OpenOnce();
        }
        catch (Exception ex) when (ex is not (IOException or UnauthorizedAccessException or NotSupportedException)
            && new FileInfo(logPath) is { Exists: true, Length: > 0 })
        {
            // Every acknowledged append was checkpointed into the data file before it returned, and the log is
            // synced before any checkpoint touches the data file. So a log LiteDB cannot read holds only a
            // transaction that was torn by a crash and never acknowledged: keep it for inspection, open without it.
            // (LiteDB 5.0.21 does not check page CRCs here; garbage surfaces as any exception from the replay.)
            // Disk errors are not a bad log: they are thrown, and the log is kept.
            var aside = $"{logPath}.corrupt-{Guid.NewGuid():N}";
            File.Move(logPath, aside);
            Log.LogSetAside(logger, logPath, aside, ex);
            return OpenOnce();
        }
    }

    /// <summary>
    /// The data file could not be opened as a LiteDB outbox: keep it (and its log) for inspection under a
    /// timestamped name and start an empty store whose seq continues past the <paramref name="sidecar"/>'s mark, so no
    /// seq is reused. <paramref name="database"/> is set as soon as the fresh database is open, so the store closes it
    /// even if this then throws.
    /// </summary>
    public OutboxRecovery StartFresh(Exception reason, SeqSidecar sidecar, out OutboxDatabase? database)
    {
        database = null;
        var stamp = DateTime.SpecifyKind(File.GetLastWriteTimeUtc(dataPath), DateTimeKind.Utc).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var aside = $"{dataPath}.corrupt-{stamp}-{Guid.NewGuid().ToString("N")[..8]}";
        File.Move(dataPath, aside);
        if (File.Exists(logPath))
        {
            File.Move(logPath, aside + "-log");
        }

        var lastSeqBefore = sidecar.Read();
        database = OpenOnce();
        database.BeginTransaction();
        database.WriteMeta(lastSeqBefore, new long[3]);
        database.Commit();
        database.MakeDurable();
        lanes.LastSeq = lastSeqBefore;

        // The journal still holds entries newer than the lost file's last move: replay all of them.
        lanes.MovedSeq = 0;
        Log.StartedFresh(logger, dataPath, aside, lastSeqBefore, reason);
        return new OutboxRecovery(aside, lastSeqBefore, reason.Message);
    }

    private OutboxDatabase OpenOnce() => OutboxDatabase.Open(dataPath, logPath, openFile, lanes.Load, logger);
}
