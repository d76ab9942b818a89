using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>An outbox entry as the journal keeps it: the entry and when it was accepted (for the telemetry time-to-live).</summary>
internal readonly record struct JournalEntry(OutboxEntry Entry, long AcceptedAtMs);

/// <summary>An entry named by seq and lane.</summary>
internal readonly record struct JournalKey(long Seq, Lane Lane);

/// <summary>
/// One journal write: the entries an append accepted and the journalled entries it dropped to stay within the
/// limits, or the entries a remove took out (journalled ones, or ones in LiteDB that the next move deletes).
/// Written as one CRC-framed record, so it is replayed whole or not at all.
/// </summary>
internal sealed record JournalFrame(IReadOnlyList<JournalEntry> Appended, IReadOnlyList<long> Dropped, IReadOnlyList<JournalKey> Removed);

/// <summary>A frame read back at open and where it starts in the file.</summary>
internal readonly record struct JournalRecord(long Offset, JournalFrame Frame);

/// <summary>Unreadable bytes between intact frames: <paramref name="Length"/> bytes at <paramref name="Offset"/>.</summary>
internal readonly record struct JournalDamage(long Offset, long Length);

/// <summary>
/// What <see cref="OutboxJournal.ReadAll"/> found: the intact frames, unreadable stretches with intact frames after
/// them (<paramref name="Damaged"/>), and the offset where unreadable bytes run to the end (if any).
/// </summary>
internal sealed record JournalContents(IReadOnlyList<JournalRecord> Records, IReadOnlyList<JournalDamage> Damaged, long? TornAt);

/// <summary>
/// The append-only file in front of LiteDB (<c>outbox.db.journal</c>). Each write is one frame:
/// <c>[length: int32][crc32c of the body: uint32][body]</c>, little-endian. An append is one write and one fsync;
/// a remove is one write without fsync. A frame that fails its CRC is skipped: reading resumes at the next intact
/// frame, so a bad frame in the middle loses only itself; bad bytes with no intact frame after them are a torn tail.
/// </summary>
internal sealed class OutboxJournal(FileStream file) : IDisposable
{
    private const byte FrameVersion = 1;
    private const int HeaderSize = 8;

    // A frame longer than this is garbage read as a length, not a real frame (an append of 10,000 events is ~5 MB).
    private const int MaxFrameSize = 256 * 1024 * 1024;

    private long _length = file.Length;

    /// <summary>Bytes in the journal.</summary>
    public long Length => _length;

    /// <summary>The journal path for a data file: <c>outbox.db</c> → <c>outbox.db.journal</c>.</summary>
    public static string PathFor(string dataPath) => dataPath + ".journal";

    /// <summary>Appends one frame in one write; with <paramref name="durable"/>, returns only after fsync.</summary>
    public void Write(JournalFrame frame, bool durable)
    {
        var bytes = Encode(frame);
        file.Position = _length;
        file.Write(bytes, 0, bytes.Length);
        _length += bytes.Length;
        if (durable)
        {
            file.Flush(flushToDisk: true);
        }
    }

    /// <summary>Cuts the journal to <paramref name="length"/> bytes and makes the cut durable.</summary>
    public void Truncate(long length)
    {
        file.SetLength(length);
        file.Flush(flushToDisk: true);
        _length = length;
    }

    /// <summary>
    /// Reads every intact frame. At a frame that is short, fails its CRC or does not decode, looks for the next
    /// intact frame and resumes there; if there is none, the rest is the torn tail.
    /// </summary>
    public JournalContents ReadAll()
    {
        var bytes = new byte[_length];
        file.Position = 0;
        file.ReadExactly(bytes);
        var records = new List<JournalRecord>();
        var damaged = new List<JournalDamage>();
        long offset = 0;
        while (offset < _length)
        {
            if (TryReadFrame(bytes, offset, out var frame, out var size))
            {
                records.Add(new JournalRecord(offset, frame));
                offset += size;
                continue;
            }

            var next = offset + 1;
            while (next < _length && !TryReadFrame(bytes, next, out _, out _))
            {
                next++;
            }

            if (next >= _length)
            {
                return new JournalContents(records, damaged, offset);
            }

            damaged.Add(new JournalDamage(offset, next - offset));
            offset = next;
        }

        return new JournalContents(records, damaged, null);
    }

    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="offset"/> (to the end when null) into <paramref name="path"/> (for inspection).</summary>
    public void CopyRange(long offset, long? length, string path)
    {
        using var copy = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        var bytes = new byte[(length ?? (_length - offset))];
        file.Position = offset;
        file.ReadExactly(bytes);
        copy.Write(bytes);
        copy.Flush(flushToDisk: true);
    }

    private static bool TryReadFrame(byte[] bytes, long offset, out JournalFrame frame, out int frameSize)
    {
        frame = null!;
        frameSize = 0;
        var left = bytes.Length - offset;
        if (left < HeaderSize)
        {
            return false;
        }

        var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)offset));
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)offset + 4));
        if (size <= 0 || size > MaxFrameSize || size > left - HeaderSize)
        {
            return false;
        }

        var body = bytes.AsSpan((int)offset + HeaderSize, size);
        if (Crc32C(body) != crc || !TryDecode(body.ToArray(), out frame))
        {
            return false;
        }

        frameSize = HeaderSize + size;
        return true;
    }

    public void Dispose() => file.Dispose();

    internal static byte[] Encode(JournalFrame frame)
    {
        using var body = new MemoryStream();
        body.Position = HeaderSize;
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            WriteBody(writer, frame);
        }

        var bytes = body.ToArray();
        var content = bytes.AsSpan(HeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(bytes, content.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), Crc32C(content));
        return bytes;
    }

    private static void WriteBody(BinaryWriter writer, JournalFrame frame)
    {
        writer.Write(FrameVersion);
        writer.Write(frame.Appended.Count);
        foreach (var (entry, acceptedAt) in frame.Appended)
        {
            writer.Write(entry.Seq);
            writer.Write((byte)entry.Lane);
            writer.Write(entry.EventId);
            writer.Write(entry.TopicLeaf);
            writer.Write(acceptedAt);
            writer.Write(entry.Payload.Length);
            writer.Write(entry.Payload);
        }

        WriteSeqs(writer, frame.Dropped);
        writer.Write(frame.Removed.Count);
        foreach (var (seq, lane) in frame.Removed)
        {
            writer.Write(seq);
            writer.Write((byte)lane);
        }
    }

    private static void WriteSeqs(BinaryWriter writer, IReadOnlyList<long> seqs)
    {
        writer.Write(seqs.Count);
        foreach (var seq in seqs)
        {
            writer.Write(seq);
        }
    }

    private static bool TryDecode(byte[] body, out JournalFrame frame)
    {
        frame = null!;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(body, writable: false), Encoding.UTF8);
            if (reader.ReadByte() != FrameVersion)
            {
                return false;
            }

            var appended = new JournalEntry[reader.ReadInt32()];
            for (var i = 0; i < appended.Length; i++)
            {
                var seq = reader.ReadInt64();
                var lane = (Lane)reader.ReadByte();
                var eventId = reader.ReadString();
                var leaf = reader.ReadString();
                var acceptedAt = reader.ReadInt64();
                var payload = reader.ReadBytes(reader.ReadInt32());
                appended[i] = new JournalEntry(new OutboxEntry(seq, eventId, lane, leaf, payload), acceptedAt);
            }

            var dropped = ReadSeqs(reader);
            var removed = new JournalKey[reader.ReadInt32()];
            for (var i = 0; i < removed.Length; i++)
            {
                removed[i] = new JournalKey(reader.ReadInt64(), (Lane)reader.ReadByte());
            }

            frame = new JournalFrame(appended, dropped, removed);
            return reader.BaseStream.Position == body.Length;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or OverflowException or ArgumentException)
        {
            // The CRC matched, so this is a frame from a different format: treat it like a torn one.
            return false;
        }
    }

    private static long[] ReadSeqs(BinaryReader reader)
    {
        var seqs = new long[reader.ReadInt32()];
        for (var i = 0; i < seqs.Length; i++)
        {
            seqs[i] = reader.ReadInt64();
        }

        return seqs;
    }

    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
