using System.Diagnostics;

namespace EdgeGateway.IntegrationTests;

/// <summary>A size-limited tmpfs mounted over a folder, so a test can fill the gateway's disk for real (needs root, as CI runs).</summary>
internal sealed class SmallDisk : IAsyncDisposable
{
    private readonly string _path;

    private SmallDisk(string path) => _path = path;

    public static async Task<SmallDisk> MountAsync(string path, int megabytes)
    {
        Directory.CreateDirectory(path);
        var exit = await RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        if (exit != 0)
        {
            throw new InvalidOperationException($"mounting a {megabytes} MB tmpfs on {path} failed (exit {exit}): the disk-full test needs root, as CI runs");
        }

        return new SmallDisk(path);
    }

    /// <summary>Writes a file until the disk is full; returns its path (delete it to free the space).</summary>
    public string FillUp()
    {
        var filler = Path.Combine(_path, "filler.bin");
        var block = new byte[64 * 1024];
        using var file = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        try
        {
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
            // Full. Fill the last bytes too, one at a time, so not even a page is left.
            try
            {
                while (true)
                {
                    file.Write(block, 0, 512);
                }
            }
            catch (IOException)
            {
            }
        }

        return filler;
    }

    public async ValueTask DisposeAsync() => await RunAsync("umount", "-l", _path);

    private static async Task<int> RunAsync(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
