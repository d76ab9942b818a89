using System.Diagnostics;

namespace EdgeGateway.IntegrationTests;

/// <summary>deploy/install.sh in a scratch root (DESTDIR): files, modes, upgrade with rollback, uninstall keeping data.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InstallScriptTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("edge-gateway-install-").FullName;

    private string Root => Path.Combine(_scratch, "root");

    [Fact]
    public async Task Install_CreatesProgramUnitConfigAndPlaceholderSecrets_WithTheirModes()
    {
        var release = MakeRelease("1.0.0");

        var (exit, output) = await RunAsync(release, "install");

        Assert.True(exit == 0, output);
        Assert.Equal("releases/1.0.0", new FileInfo(Path.Combine(Root, "opt/edge-gateway/current")).LinkTarget);
        Assert.Contains("echo 1.0.0", await File.ReadAllTextAsync(Path.Combine(Root, "opt/edge-gateway/current/edge-gateway")), StringComparison.Ordinal);
        Assert.Equal((UnixFileMode)0b111_101_101, Mode("opt/edge-gateway/current/edge-gateway"));
        Assert.Equal((UnixFileMode)0b110_100_100, Mode("etc/systemd/system/edge-gateway.service"));
        Assert.Equal((UnixFileMode)0b110_100_000, Mode("etc/edge-gateway/config.json"));
        Assert.Equal((UnixFileMode)0b110_000_000, Mode("etc/edge-gateway/mqtt-credentials"));
        Assert.Equal((UnixFileMode)0b110_000_000, Mode("etc/edge-gateway/client.key"));
        Assert.False(Directory.Exists(Path.Combine(Root, "var/lib/edge-gateway")), "systemd creates the state directory, not the installer");
    }

    [Fact]
    public async Task Upgrade_KeepsPreviousForRollback_NeverTouchesConfigOrOutbox()
    {
        Assert.Equal(0, (await RunAsync(MakeRelease("1.0.0"), "install")).Exit);
        var config = Path.Combine(Root, "etc/edge-gateway/config.json");
        await File.WriteAllTextAsync(config, "{ \"edited\": true }");
        var outbox = Path.Combine(Root, "var/lib/edge-gateway/outbox.db");
        Directory.CreateDirectory(Path.GetDirectoryName(outbox)!);
        await File.WriteAllTextAsync(outbox, "events");
        var outboxWritten = File.GetLastWriteTimeUtc(outbox);

        var (exit, output) = await RunAsync(MakeRelease("1.1.0"), "upgrade");

        Assert.True(exit == 0, output);
        Assert.Equal("releases/1.1.0", Link("current"));
        Assert.Equal("releases/1.0.0", Link("previous"));
        Assert.Equal("{ \"edited\": true }", await File.ReadAllTextAsync(config));
        Assert.Equal("events", await File.ReadAllTextAsync(outbox));
        Assert.Equal(outboxWritten, File.GetLastWriteTimeUtc(outbox));

        Assert.Equal(0, (await RunAsync(MakeRelease("1.1.0"), "rollback")).Exit);
        Assert.Equal("releases/1.0.0", Link("current"));
        Assert.Equal("releases/1.1.0", Link("previous"));

        // A third release drops the oldest: only current and previous are kept.
        Assert.Equal(0, (await RunAsync(MakeRelease("1.2.0"), "upgrade")).Exit);
        Assert.Equal(["1.0.0", "1.2.0"], Directory.GetDirectories(Path.Combine(Root, "opt/edge-gateway/releases")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Uninstall_KeepsConfigAndOutbox_UnlessPurge()
    {
        Assert.Equal(0, (await RunAsync(MakeRelease("1.0.0"), "install")).Exit);
        Directory.CreateDirectory(Path.Combine(Root, "var/lib/edge-gateway"));
        await File.WriteAllTextAsync(Path.Combine(Root, "var/lib/edge-gateway/outbox.db"), "events");

        Assert.Equal(0, (await RunAsync(MakeRelease("1.0.0"), "uninstall")).Exit);
        Assert.False(Directory.Exists(Path.Combine(Root, "opt/edge-gateway")));
        Assert.False(File.Exists(Path.Combine(Root, "etc/systemd/system/edge-gateway.service")));
        Assert.True(File.Exists(Path.Combine(Root, "etc/edge-gateway/config.json")));
        Assert.True(File.Exists(Path.Combine(Root, "var/lib/edge-gateway/outbox.db")));

        Assert.Equal(0, (await RunAsync(MakeRelease("1.0.0"), "uninstall", "--purge")).Exit);
        Assert.False(Directory.Exists(Path.Combine(Root, "etc/edge-gateway")));
        Assert.False(Directory.Exists(Path.Combine(Root, "var/lib/edge-gateway")));
    }

    [Fact]
    public async Task Rollback_WithoutPreviousRelease_Fails()
    {
        Assert.Equal(0, (await RunAsync(MakeRelease("1.0.0"), "install")).Exit);

        var (exit, output) = await RunAsync(MakeRelease("1.0.0"), "rollback");

        Assert.NotEqual(0, exit);
        Assert.Contains("no previous release", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    /// <summary>An unpacked release as deploy/publish.sh lays it out, with a stand-in binary.</summary>
    private string MakeRelease(string version)
    {
        var release = Path.Combine(_scratch, $"edge-gateway-{version}");
        if (Directory.Exists(release))
        {
            return release;
        }

        var deploy = Path.Combine(SecureBroker.RepositoryRoot, "deploy");
        Directory.CreateDirectory(Path.Combine(release, "bin"));
        File.WriteAllText(Path.Combine(release, "bin", "edge-gateway"), $"#!/bin/sh\necho {version}\n");
        File.SetUnixFileMode(Path.Combine(release, "bin", "edge-gateway"), (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(release, "VERSION"), version + "\n");
        File.Copy(Path.Combine(deploy, "install.sh"), Path.Combine(release, "install.sh"));
        File.Copy(Path.Combine(deploy, "systemd", "edge-gateway.service"), Path.Combine(release, "edge-gateway.service"));
        File.Copy(Path.Combine(deploy, "config.example.json"), Path.Combine(release, "config.example.json"));
        return release;
    }

    private UnixFileMode Mode(string path) => File.GetUnixFileMode(Path.Combine(Root, path)) & (UnixFileMode)0b111_111_111;

    private string? Link(string name) => new FileInfo(Path.Combine(Root, "opt/edge-gateway", name)).LinkTarget;

    private async Task<(int Exit, string Output)> RunAsync(string release, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(release, "install.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DESTDIR"] = Root;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
