namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// The stream LiteDB sees. Every <see cref="Flush"/> goes to the device, so LiteDB's own flushes (after a
/// log batch, after copying pages into the data file and before truncating the log) are real fsyncs and a
/// power cut cannot leave a truncated log in front of data pages that never reached the disk.
/// </summary>
internal sealed class DiskFlushingStream(FileStream file) : Stream
{
    public FileStream File => file;

    public override bool CanRead => file.CanRead;

    public override bool CanSeek => file.CanSeek;

    public override bool CanWrite => file.CanWrite;

    public override long Length => file.Length;

    public override long Position
    {
        get => file.Position;
        set => file.Position = value;
    }

    public override void Flush() => file.Flush(flushToDisk: true);

    public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => file.Read(buffer);

    public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);

    public override void SetLength(long value) => file.SetLength(value);

    public override void Write(byte[] buffer, int offset, int count) => file.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => file.Write(buffer);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }
}
