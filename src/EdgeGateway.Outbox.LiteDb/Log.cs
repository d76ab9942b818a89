using Microsoft.Extensions.Logging;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>LiteDB outbox log messages, event ids 2000-2999.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Information, "Outbox {Path} open: {Alarm} alarms, {Event} events, {Telemetry} telemetry waiting; last seq {LastSeq}")]
    public static partial void Opened(ILogger logger, string path, long alarm, long @event, long telemetry, long lastSeq);

    [LoggerMessage(2002, LogLevel.Error, "Outbox {Path} storage failed; files will be reopened on the next call")]
    public static partial void StorageFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(2003, LogLevel.Warning, "Outbox {Path} reopened after a storage failure; last seq {LastSeq}")]
    public static partial void Reopened(ILogger logger, string path, long lastSeq);

    [LoggerMessage(2004, LogLevel.Warning, "Outbox removed seq {FromSeq}..{ToSeq} of an append that reported failure; the caller retries it")]
    public static partial void RolledBackFailedAppend(ILogger logger, long fromSeq, long toSeq);

    [LoggerMessage(2005, LogLevel.Warning, "Outbox {Path}: closing after a failure threw")]
    public static partial void CloseFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(2006, LogLevel.Warning, "Outbox log {LogPath} is unreadable (torn by a crash before it was acknowledged); moved to {AsidePath}")]
    public static partial void LogSetAside(ILogger logger, string logPath, string asidePath, Exception exception);

    [LoggerMessage(2007, LogLevel.Warning, "Outbox full: dropped {Telemetry} telemetry and {Event} events unsent to stay within {MaxEntries} entries (alarms are never dropped)")]
    public static partial void Dropped(ILogger logger, long telemetry, long @event, int maxEntries);

    [LoggerMessage(2008, LogLevel.Critical, "Outbox {Path} is corrupt; moved to {AsidePath} and started empty with seq continuing after {LastSeq}. Unsent events in it are lost unless recovered by hand")]
    public static partial void StartedFresh(ILogger logger, string path, string asidePath, long lastSeq, Exception reason);

    [LoggerMessage(2009, LogLevel.Warning, "Could not write the outbox seq sidecar; retried at the next append")]
    public static partial void SidecarFailed(ILogger logger, Exception exception);

    [LoggerMessage(2010, LogLevel.Warning, "Could not copy unreadable outbox bytes aside to {AsidePath}; opening without the copy")]
    public static partial void SetAsideFailed(ILogger logger, string asidePath, Exception exception);

    [LoggerMessage(2102, LogLevel.Error, "Outbox journal {Path}: {Bytes} unreadable bytes at offset {Offset} skipped, the intact frames after them kept; copied to {AsidePath}")]
    public static partial void JournalFrameSkipped(ILogger logger, string path, long bytes, long offset, string asidePath);

    [LoggerMessage(2103, LogLevel.Error, "Outbox {Path}: document {Document} is unreadable; skipped, and deleted at the next move")]
    public static partial void DocumentSkipped(ILogger logger, string path, string document);

    [LoggerMessage(2011, LogLevel.Critical, "Outbox {Path} and its seq sidecar are both missing, but its journal or log is not: seq continues after {Floor} (a floor from the time) so no earlier seq is given out again")]
    public static partial void SeqFloor(ILogger logger, string path, long floor);

    [LoggerMessage(2013, LogLevel.Warning, "Could not allocate the outbox's held-seq record; tried again at the next open")]
    public static partial void ReservationFailed(ILogger logger, Exception exception);

    [LoggerMessage(2101, LogLevel.Warning, "Outbox journal {Path}: {Bytes} bytes at offset {Offset} are not an intact frame (torn by a crash before their fsync returned); copied to {AsidePath} and cut off")]
    public static partial void JournalTailSetAside(ILogger logger, string path, long bytes, long offset, string asidePath);
}
