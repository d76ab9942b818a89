namespace EdgeGateway.Outbox.LiteDb.Tests;

/// <summary>What the store did to one of its files.</summary>
internal enum FileOp
{
    Write,
    SetLength,
    Flush,
    FlushToDisk,
    Close,
}

internal readonly record struct FileEvent(string Name, FileOp Op, long Bytes);

/// <summary>
/// The store's file seam for tests: real files, opened like the store does, that record every write and flush
/// and can be made to fail like a full disk.
/// </summary>
internal sealed class ProbeFiles
{
    private readonly Lock _lock = new();
    private readonly List<FileEvent> _events = [];
    private readonly ManualResetEventSlim _released = new(true);
    private string? _held;
    private Func<ReadOnlyMemory<byte>, bool>? _heldWhen;

    /// <summary>Writes and SetLength throw "No space left on device".</summary>
    public bool FailWrites { get; set; }

    /// <summary>Flushes throw "No space left on device" (the kernel may report ENOSPC only at fsync).</summary>
    public bool FailFlushes { get; set; }

    public FileStream Open(string path) => new ProbeFileStream(path, this);

    /// <summary>Set once a write to the held file waits (<see cref="HoldWritesTo"/>).</summary>
    public ManualResetEventSlim Holding { get; } = new(false);

    /// <summary>
    /// Writes to the file named <paramref name="name"/> (those whose bytes pass <paramref name="when"/>, if given) wait,
    /// on their thread, until <see cref="Release"/> (at most 30 s).
    /// </summary>
    public void HoldWritesTo(string name, Func<ReadOnlyMemory<byte>, bool>? when = null)
    {
        _held = name;
        _heldWhen = when;
        _released.Reset();
    }

    public void Release() => _released.Set();

    public IReadOnlyList<FileEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _events.Clear();
        }
    }

    private void Record(string path, FileOp op, long bytes)
    {
        lock (_lock)
        {
            _events.Add(new FileEvent(System.IO.Path.GetFileName(path), op, bytes));
        }
    }

    private static IOException DiskFull() => new("No space left on device");

    private sealed class ProbeFileStream(string path, ProbeFiles owner)
        : FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0)
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            BeforeWrite(buffer.AsMemory(offset, count));
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            BeforeWrite(buffer.ToArray());
            base.Write(buffer);
        }

        public override void WriteByte(byte value)
        {
            BeforeWrite(new[] { value });
            base.WriteByte(value);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                owner.Record(Name, FileOp.Close, 0);
            }

            base.Dispose(disposing);
        }

        public override void SetLength(long value)
        {
            if (owner.FailWrites)
            {
                throw DiskFull();
            }

            owner.Record(Name, FileOp.SetLength, value);
            base.SetLength(value);
        }

        public override void Flush() => Flush(flushToDisk: false);

        public override void Flush(bool flushToDisk)
        {
            if (owner.FailFlushes)
            {
                throw DiskFull();
            }

            owner.Record(Name, flushToDisk ? FileOp.FlushToDisk : FileOp.Flush, 0);
            base.Flush(flushToDisk);
        }

        private void BeforeWrite(ReadOnlyMemory<byte> bytes)
        {
            if (owner._held == System.IO.Path.GetFileName(Name) && !owner._released.IsSet && (owner._heldWhen?.Invoke(bytes) ?? true))
            {
                owner.Holding.Set();
                owner._released.Wait(TimeSpan.FromSeconds(30));
            }

            if (owner.FailWrites)
            {
                throw DiskFull();
            }

            owner.Record(Name, FileOp.Write, bytes.Length);
        }
    }
}
