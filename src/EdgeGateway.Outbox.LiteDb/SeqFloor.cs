namespace EdgeGateway.Outbox.LiteDb;

/// <summary>Where seqs continue when the outbox ran here before but both records of its seqs are gone.</summary>
internal static class SeqFloor
{
    /// <summary>
    /// The seq to continue after when the data file and the sidecar are missing while one of <paramref name="traces"/>
    /// (the journal's generations, LiteDB's log) is still there: the current time in Unix ms, or a leftover file's
    /// modification time if later (a clock that is not yet synchronised may be behind). Earlier seqs are below it
    /// unless the gateway averaged more than one event per ms. 0 when there is a record (or no trace).
    /// </summary>
    public static long WithoutRecord(string dataPath, SeqSidecar sidecar, IReadOnlyList<string> traces, TimeProvider time)
    {
        var left = traces.Where(File.Exists).ToList();
        if (File.Exists(dataPath) || sidecar.Exists || left.Count == 0)
        {
            return 0;
        }

        var latest = left.Select(p => new DateTimeOffset(File.GetLastWriteTimeUtc(p), TimeSpan.Zero)).Max();
        var now = time.GetUtcNow();
        return (now > latest ? now : latest).ToUnixTimeMilliseconds();
    }
}
