using System.Text;

namespace EdgeGateway.Core.Sockets;

/// <summary>Whether a Unix socket can be bound at a path: Linux limits it to <see cref="LineSocketServer.MaxPathBytes"/>.</summary>
public static class SocketPath
{
    /// <summary>Why <paramref name="path"/> (made absolute, as it is bound) cannot be a socket, or null when it fits.</summary>
    public static string? TooLong(string path)
    {
        var full = Path.GetFullPath(path);
        var bytes = Encoding.UTF8.GetByteCount(full);
        return bytes <= LineSocketServer.MaxPathBytes
            ? null
            : $"'{full}' is {bytes} bytes long; a Unix socket path can have at most {LineSocketServer.MaxPathBytes}";
    }
}
