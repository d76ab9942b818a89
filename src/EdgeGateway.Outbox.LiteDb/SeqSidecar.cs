using System.Globalization;

namespace EdgeGateway.Outbox.LiteDb;

/// <summary>
/// A small file beside the outbox holding a seq high-water mark, reserved in blocks so it is written once per
/// <see cref="Block"/> events. If the outbox file is ever lost to corruption, a fresh one continues after the
/// mark, so no seq is reused (the center sees a gap, which the recovery fault event explains).
/// </summary>
internal sealed class SeqSidecar(string path)
{
    public const long Block = 1000;

    private long _mark = -1;

    /// <summary>Makes sure the mark is at or above <paramref name="seq"/>, writing a new block when needed.</summary>
    public void Cover(long seq)
    {
        if (_mark < 0)
        {
            _mark = Read();
        }

        if (seq <= _mark)
        {
            return;
        }

        var mark = seq + Block;
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(mark.ToString(CultureInfo.InvariantCulture) + "\n"));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        _mark = mark;
    }

    /// <summary>Whether the sidecar file exists.</summary>
    public bool Exists => File.Exists(path);

    /// <summary>The recorded mark, or 0 when there is none (or it is unreadable).</summary>
    public long Read()
    {
        try
        {
            return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var mark) ? mark : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
