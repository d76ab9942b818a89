
namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// The stream LiteDB sees. Every <see cref="Flush"/> goes to the device, so LiteDB's own flushes (after copying
/// pages into the data file, before truncating the log) are real fsyncs. LiteDB never flushes the log after a
/// commit, so the data stream first syncs the log it depends on (<paramref name="writeAhead"/>) before it lets
/// a checkpoint overwrite data pages in place: a power cut mid-checkpoint then always finds a complete log to redo.
/// </summary>
internal sealed class DiskFlushingStream(FileStream file, DiskFlushingStream? writeAhead = null) : Stream
{
    // Written since the last fsync; a clean file needs no fsync (each one costs milliseconds on an SD card).
    private bool _dirty;

    public override bool CanRead => file.CanRead;

    public override bool CanSeek => file.CanSeek;

    public override bool CanWrite => file.CanWrite;

    public override long Length => file.Length;

    public override long Position
    {
        get => file.Position;
        set => file.Position = value;
    }

    public override void Flush()
    {
        if (_dirty)
        {
            file.Flush(flushToDisk: true);
            _dirty = false;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => file.Read(buffer);

    public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);

    public override void SetLength(long value)
    {
        BeforeChange();
        file.SetLength(value);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        BeforeChange();
        file.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        BeforeChange();
        file.Write(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }

    private void BeforeChange()
    {
        writeAhead?.Flush();
        _dirty = true;
    }
}
