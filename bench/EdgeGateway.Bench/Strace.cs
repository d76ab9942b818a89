using System.Diagnostics;
using System.Globalization;

/// <summary>
/// Counts a running process's system calls (by default fsync and fdatasync) with <c>strace -f -c</c> (all threads)
/// between attach and detach. Null from <see cref="AttachAsync"/> when strace is not installed (<c>apt-get install strace</c>).
/// </summary>
internal sealed class Strace
{
    private readonly Process _process;
    private readonly string _output;

    private Strace(Process process, string output)
    {
        _process = process;
        _output = output;
    }

    public static string? Executable => new[] { "/usr/bin/strace", "/bin/strace" }.FirstOrDefault(File.Exists);

    public static async Task<Strace?> AttachAsync(int pid, string calls = "fsync,fdatasync")
    {
        if (Executable is not { } strace)
        {
            return null;
        }

        var output = Path.GetTempFileName();
        var start = new ProcessStartInfo(strace) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-f", "-c", "-e", "trace=" + calls, "-o", output, "-p", pid.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("strace did not start");
        var attached = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) => { if (e.Data?.Contains("attached", StringComparison.Ordinal) == true) { attached.TrySetResult(); } };
        process.BeginErrorReadLine();
        await attached.Task.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);

        // strace reports each thread as it attaches; give it the rest of the threads.
        await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System);
        return new Strace(process, output);
    }

    /// <summary>Detaches and returns the calls seen, summed over the traced system calls.</summary>
    public async Task<long> DetachAsync() => (await DetachPerCallAsync()).Values.Sum();

    /// <summary>Detaches and returns the calls seen per system call.</summary>
    public async Task<Dictionary<string, long>> DetachPerCallAsync()
    {
        Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
        await _process.WaitForExitAsync();
        _process.Dispose();
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);

        // Summary rows: "% time  seconds  usecs/call  calls  [errors]  syscall".
        foreach (var line in File.ReadLines(_output))
        {
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length >= 5 && columns[0] != "%" && !columns[0].StartsWith('-') && columns[^1] != "total")
            {
                calls[columns[^1]] = long.Parse(columns[3], CultureInfo.InvariantCulture);
            }
        }

        File.Delete(_output);
        return calls;
    }
}
