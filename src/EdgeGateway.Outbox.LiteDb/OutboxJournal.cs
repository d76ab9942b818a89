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

/// <summary>What <see cref="OutboxJournal.ReadAll"/> found: the intact frames, and the offset where unreadable bytes start (if any).</summary>
internal sealed record JournalContents(IReadOnlyList<JournalRecord> Records, long? TornAt);

/// <summary>
/// The append-only file in front of LiteDB (<c>outbox.db.journal</c>). Each write is one frame:
/// <c>[length: int32][crc32c of the body: uint32][body]</c>, little-endian. An append is one write and one fsync;
/// a remove is one write without fsync. A frame torn by a crash fails its CRC and ends the replay.
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

    /// <summary>Reads every intact frame from the start; stops at the first frame that is short or fails its CRC.</summary>
    public JournalContents ReadAll()
    {
        var records = new List<JournalRecord>();
        var header = new byte[HeaderSize];
        long offset = 0;
        file.Position = 0;
        while (offset < _length)
        {
            if (_length - offset < HeaderSize || file.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
            {
                return new JournalContents(records, offset);
            }

            var size = BinaryPrimitives.ReadInt32LittleEndian(header);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (size <= 0 || size > MaxFrameSize || size > _length - offset - HeaderSize)
            {
                return new JournalContents(records, offset);
            }

            var body = new byte[size];
            if (file.ReadAtLeast(body, size, throwOnEndOfStream: false) < size || Crc32C(body) != crc || !TryDecode(body, out var frame))
            {
                return new JournalContents(records, offset);
            }

            records.Add(new JournalRecord(offset, frame));
            offset += HeaderSize + size;
        }

        return new JournalContents(records, null);
    }

    /// <summary>Copies the bytes from <paramref name="offset"/> to the end into <paramref name="path"/> (for inspection).</summary>
    public void CopyTail(long offset, string path)
    {
        using var copy = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        file.Position = offset;
        file.CopyTo(copy);
        copy.Flush(flushToDisk: true);
    }

    public void Dispose() => file.Dispose();

    internal static byte[] Encode(JournalFrame frame)
    {
        using var body = new MemoryStream();
        body.Position = HeaderSize;
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
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

        var bytes = body.ToArray();
        var content = bytes.AsSpan(HeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(bytes, content.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), Crc32C(content));
        return bytes;
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
