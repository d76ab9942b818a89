namespace EdgeGateway.Core.Outbox;

/// <summary>
/// A small state file in the data directory (a patrol round in progress, the inputs last proven), replaced whole: written
/// to a temporary file, fsynced, renamed over. <see cref="SaveAsync"/> waits at most its deadline; a disk that stalls
/// or refuses costs that once and is reported to the caller, which keeps its state in memory and saves again later.
/// </summary>
public sealed class DataFile(string path, TimeSpan deadline, TimeProvider time)
{
    private readonly Lock _lock = new();
    private Task _writing = Task.CompletedTask;
    private byte[] _latest = [];
    private long _version;
    private long _written;

    public string FilePath => path;

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="bytes"/>: a crash leaves the old or the new file, not a torn one.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The file's bytes, or null when there is none.</summary>
    public byte[]? ReadOrNull() => File.Exists(path) ? File.ReadAllBytes(path) : null;

    /// <summary>
    /// Writes <paramref name="bytes"/> within the deadline. Returns null when they (or newer bytes) are on disk, or why not
    /// (the error, or an overrun). Saves run one after another; one that finds newer bytes queued behind it writes those,
    /// so a burst of changes costs one write, and only the newest state is written.
    /// </summary>
    public async Task<string?> SaveAsync(byte[] bytes)
    {
        Task write;
        lock (_lock)
        {
            _latest = bytes;
            _version++;
            write = _writing = _writing.ContinueWith(_ => WriteLatest(), CancellationToken.None, TaskContinuationOptions.LongRunning, TaskScheduler.Default);
        }

        try
        {
            await write.WaitAsync(deadline, time).ConfigureAwait(false);
            return null;
        }
        catch (TimeoutException)
        {
            return $"the write did not return within {deadline.TotalMilliseconds:0} ms";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    private void WriteLatest()
    {
        byte[] bytes;
        long version;
        lock (_lock)
        {
            if (_written == _version)
            {
                return;
            }

            (bytes, version) = (_latest, _version);
        }

        WriteAtomically(path, bytes);
        lock (_lock)
        {
            _written = version;
        }
    }
}
