using System.Runtime.InteropServices;

namespace EdgeGateway.IntegrationTests.UnitSandbox;

/// <summary>
/// A seccomp filter through libseccomp (installed with systemd, which uses it for <c>SystemCallFilter=</c>), loaded on
/// one new thread only (no TSYNC), so the rest of the test process is untouched. The thread sets no_new_privs, as the
/// unit's <c>NoNewPrivileges=yes</c> does.
/// </summary>
public static partial class Seccomp
{
    private const uint ActAllow = 0x7fff0000;
    private const uint ActErrno = 0x00050000;

    /// <summary>Runs <paramref name="work"/> on a thread where only <paramref name="allowed"/> system calls pass; the others fail with <paramref name="errno"/>.</summary>
    public static Task<T> RunFilteredAsync<T>(IReadOnlySet<string> allowed, int errno, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Load(allowed, errno);
                done.SetResult(work());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "seccomp-filtered",
        };
        thread.Start();
        return done.Task;
    }

    private static void Load(IReadOnlySet<string> allowed, int errno)
    {
        var filter = SeccompInit(ActErrno | (uint)(errno & 0xffff));
        if (filter == IntPtr.Zero)
        {
            throw new InvalidOperationException("seccomp_init failed");
        }

        try
        {
            foreach (var name in allowed)
            {
                // Names of other architectures resolve to nothing; systemd skips them the same way.
                var number = SeccompSyscallResolveName(name);
                if (number >= 0)
                {
                    _ = SeccompRuleAdd(filter, ActAllow, number, 0);
                }
            }

            var loaded = SeccompLoad(filter);
            if (loaded != 0)
            {
                throw new InvalidOperationException($"seccomp_load failed: {loaded}");
            }
        }
        finally
        {
            SeccompRelease(filter);
        }
    }

    [LibraryImport("libseccomp.so.2", EntryPoint = "seccomp_init")]
    private static partial IntPtr SeccompInit(uint defaultAction);

    [LibraryImport("libseccomp.so.2", EntryPoint = "seccomp_syscall_resolve_name", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SeccompSyscallResolveName(string name);

    // Variadic in C; with no argument comparisons (count 0) the fixed arguments pass the same way.
    [LibraryImport("libseccomp.so.2", EntryPoint = "seccomp_rule_add")]
    private static partial int SeccompRuleAdd(IntPtr filter, uint action, int syscall, uint argumentCount);

    [LibraryImport("libseccomp.so.2", EntryPoint = "seccomp_load")]
    private static partial int SeccompLoad(IntPtr filter);

    [LibraryImport("libseccomp.so.2", EntryPoint = "seccomp_release")]
    private static partial void SeccompRelease(IntPtr filter);
}
