using System.Buffers.Binary;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// The highest seq the writer's <see cref="SeqAllocator"/> may have given out (it reserves ahead of use), in a small
/// file allocated in advance and overwritten in place, so writing it needs no new block of a full disk. A gateway
/// killed, even while events were held only in memory, starts above it, so none of its seqs is given out again.
/// </summary>
/// <remarks>
/// The record is 16 bytes (the seq and its complement), so a torn or zeroed record reads as none rather than as a
/// wrong seq. The allocator raises it while running and lowers it to its last seq at a clean stop.
/// </remarks>
internal sealed class SeqReservation(string path)
{
    /// <summary>Allocated once, while the disk has room; the record is overwritten inside it.</summary>
    public const int FileSize = 4096;

    private readonly Lock _lock = new();
    private long _written = -1;

    /// <summary>Creates the file at its full size if it is missing or short (at open; best effort on a full disk).</summary>
    public void Prepare()
    {
        using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        if (file.Length >= FileSize)
        {
            return;
        }

        file.Position = file.Length;
        file.Write(new byte[FileSize - file.Length]);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Records durably that seqs up to <paramref name="seq"/> may have been given out.</summary>
    public void Write(long seq)
    {
        lock (_lock)
        {
            WriteLocked(seq);
        }
    }

    private void WriteLocked(long seq)
    {
        if (seq == _written)
        {
            return;
        }

        Span<byte> record = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(record, seq);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], ~seq);

        // FileMode.Open: an in-place overwrite of blocks the file already has, never a new file on a full disk.
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
        file.Write(record);
        file.Flush(flushToDisk: true);
        _written = seq;
    }

    /// <summary>The recorded seq, or 0 when there is none (no file, a torn or unreadable record).</summary>
    public long Read()
    {
        try
        {
            if (!File.Exists(path))
            {
                return 0;
            }

            Span<byte> record = stackalloc byte[16];
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (file.Read(record) < record.Length)
            {
                return 0;
            }

            var seq = BinaryPrimitives.ReadInt64LittleEndian(record);
            return seq > 0 && BinaryPrimitives.ReadInt64LittleEndian(record[8..]) == ~seq ? seq : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
