using EdgeGateway.TestKit;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests.Packaging;

/// <summary>
/// The amd64 package on this machine with dpkg and apt, as an installer or the county's IT would use it: lintian, then
/// install, owners and modes, upgrade, remove and purge; and an upgrade and a rollback from an apt repository. CI runs
/// as root on a machine without systemd as PID 1, as the maintainer scripts must cope with.
/// </summary>
[Collection(DebianPackageCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PackageLifecycleTests(DebianPackages packages, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Config = "/etc/edge-gateway/config.json";
    private const string Outbox = "/var/lib/edge-gateway/outbox.db";
    private const string EnabledLink = "/etc/systemd/system/multi-user.target.wants/edge-gateway.service";

    public Task InitializeAsync() => PurgeAsync();

    public Task DisposeAsync() => PurgeAsync();

    [Fact]
    public async Task Lintian_ReportsNoErrors_ForEitherArchitecture()
    {
        // Plain lintian fails on errors (--fail-on error); overridden tags do not count, so they are listed from the
        // package's own overrides file, each with its reason (`lintian --show-overrides` shows them as O: lines).
        var lintian = await Shell.RunAsync("lintian", [packages.Arm64, packages.Amd64], TimeSpan.FromMinutes(10));

        output.WriteLine(lintian.Output);
        output.WriteLine(await File.ReadAllTextAsync(Path.Combine(ContractSchemas.RepositoryRoot, "deploy", "debian", "lintian-overrides")));
        output.WriteLine($"arm64 {DebianPackages.Size(packages.Arm64)}, amd64 {DebianPackages.Size(packages.Amd64)}, built in {packages.BuildTime.TotalSeconds:0} s");
        Assert.DoesNotContain(lintian.Output.Split('\n'), line => line.StartsWith("E:", StringComparison.Ordinal));
        Assert.Equal(0, lintian.ExitCode);
    }

    [Fact]
    public async Task Package_InstallUpgradeRemovePurge_RootOwnedFiles_ConfigAndOutboxKeptUntilPurge()
    {
        (await Shell.RunAsync("dpkg", "-i", packages.Amd64)).AssertSuccess("dpkg -i");

        Assert.Equal(DebianPackages.FirstVersion, await InstalledVersionAsync());
        await AssertOwnersAndModesAsync();
        Assert.Equal("/lib/systemd/system/edge-gateway.service", new FileInfo(EnabledLink).LinkTarget);
        Assert.Equal("/usr/bin/edge-gateway", (await Shell.RunAsync("sh", "-c", "command -v edge-gateway")).Output.Trim());
        Assert.Contains("0.1.0", (await Shell.RunAsync("edge-gateway", "--version")).AssertSuccess("edge-gateway --version").Output, StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/bin/edge-gateway run", await File.ReadAllTextAsync("/lib/systemd/system/edge-gateway.service"), StringComparison.Ordinal);

        // What an installer does next: the school's config and password; the service fills the outbox.
        var edited = (await File.ReadAllTextAsync(Config)).Replace("center.example.org", "broker.county.example", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Config, edited);
        await File.WriteAllTextAsync("/etc/edge-gateway/mqtt-credentials", "username=hy-school-017\npassword=secret\n");
        await WriteOutboxAsync();

        (await Shell.RunAsync("dpkg", "-i", packages.Amd64Second)).AssertSuccess("dpkg -i (upgrade)");

        Assert.Equal(DebianPackages.SecondVersion, await InstalledVersionAsync());
        Assert.Equal(edited, await File.ReadAllTextAsync(Config));
        Assert.Equal("username=hy-school-017\npassword=secret\n", await File.ReadAllTextAsync("/etc/edge-gateway/mqtt-credentials"));
        Assert.Equal("events", await File.ReadAllTextAsync(Outbox));
        await AssertOwnersAndModesAsync();

        (await Shell.RunAsync("dpkg", "-r", "edge-gateway")).AssertSuccess("dpkg -r");

        Assert.False(File.Exists("/usr/bin/edge-gateway"));
        Assert.Equal("deinstall ok config-files", (await Shell.RunAsync("dpkg-query", "-W", "-f=${Status}", "edge-gateway")).Output.Trim());
        Assert.Equal(edited, await File.ReadAllTextAsync(Config));
        Assert.Equal("events", await File.ReadAllTextAsync(Outbox));

        (await Shell.RunAsync("dpkg", "-P", "edge-gateway")).AssertSuccess("dpkg -P");

        Assert.False(Directory.Exists("/etc/edge-gateway"));
        Assert.False(Directory.Exists("/var/lib/edge-gateway"));
        Assert.False(File.Exists(EnabledLink) || new FileInfo(EnabledLink).LinkTarget is not null);
    }

    [Fact]
    public async Task AptRepository_SignedWithTheCountysKey_UpgradesAndRollsBack_KeepingConfigAndOutbox()
    {
        using var repository = await CountyRepository.BuildAsync([packages.Amd64, packages.Amd64Second]);
        (await repository.AptAsync("update")).AssertSuccess("apt-get update");
        (await repository.AptAsync("install", "-y", $"edge-gateway={DebianPackages.FirstVersion}")).AssertSuccess("apt-get install (first)");
        Assert.Equal(DebianPackages.FirstVersion, await InstalledVersionAsync());
        var edited = (await File.ReadAllTextAsync(Config)).Replace("center.example.org", "broker.county.example", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Config, edited);
        await WriteOutboxAsync();

        // What unattended-upgrades does in its window: the newest version from the county's repository.
        var upgrade = (await repository.AptAsync("install", "-y", "--only-upgrade", "-o", "Dpkg::Options::=--force-confold", "edge-gateway")).AssertSuccess("apt-get upgrade");
        output.WriteLine(upgrade.Output);

        Assert.Equal(DebianPackages.SecondVersion, await InstalledVersionAsync());
        Assert.Equal(edited, await File.ReadAllTextAsync(Config));
        Assert.Equal("events", await File.ReadAllTextAsync(Outbox));

        // Rollback: the previous version stays in the repository (docs/fleet-upgrades.md).
        (await repository.AptAsync("install", "-y", "--allow-downgrades", "-o", "Dpkg::Options::=--force-confold", $"edge-gateway={DebianPackages.FirstVersion}")).AssertSuccess("apt-get install (rollback)");

        Assert.Equal(DebianPackages.FirstVersion, await InstalledVersionAsync());
        Assert.Equal(edited, await File.ReadAllTextAsync(Config));
        Assert.Equal("events", await File.ReadAllTextAsync(Outbox));
        output.WriteLine($"upgrade {DebianPackages.FirstVersion} -> {DebianPackages.SecondVersion} -> {DebianPackages.FirstVersion} from {repository.SourcesLine}: config and outbox kept");
    }

    private static async Task WriteOutboxAsync()
    {
        // systemd creates the state directory at the service's first start (StateDirectory=); here the test does.
        Directory.CreateDirectory(Path.GetDirectoryName(Outbox)!);
        await File.WriteAllTextAsync(Outbox, "events");
    }

    private static async Task<string> InstalledVersionAsync() =>
        (await Shell.RunAsync("dpkg-query", "-W", "-f=${Version}", "edge-gateway")).AssertSuccess("dpkg-query").Output.Trim();

    /// <summary>Every file of the package and the placeholders postinst makes: root's, with the mode its role needs.</summary>
    private static async Task AssertOwnersAndModesAsync()
    {
        var files = (await Shell.RunAsync("dpkg", "-L", "edge-gateway")).AssertSuccess("dpkg -L").Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(path => path.StartsWith('/') && path is not ("/." or "/etc" or "/lib" or "/usr" or "/usr/bin" or "/usr/share" or "/usr/share/doc" or "/usr/share/man" or "/usr/share/man/man1" or "/lib/systemd" or "/lib/systemd/system" or "/usr/share/lintian" or "/usr/share/lintian/overrides"))
            .Concat(["/etc/edge-gateway/mqtt-credentials", "/etc/edge-gateway/client.key"])
            .ToList();
        var stat = (await Shell.RunAsync("stat", ["-c", "%U:%G %a %F %n", .. files], TimeSpan.FromSeconds(30))).AssertSuccess("stat").Output;
        var seen = 0;
        foreach (var line in stat.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 3);
            var path = parts[2][(parts[2].LastIndexOf(' ') + 1)..];
            var expected = path switch
            {
                "/usr/bin/edge-gateway" => "755",
                "/etc/edge-gateway/config.json" => "640",
                "/etc/edge-gateway/mqtt-credentials" or "/etc/edge-gateway/client.key" => "600",
                _ when parts[2].StartsWith("directory", StringComparison.Ordinal) => "755",
                _ => "644",
            };
            Assert.True(parts[0] == "root:root" && parts[1] == expected, $"{path}: {parts[0]} {parts[1]}, expected root:root {expected}");
            seen++;
        }

        Assert.Equal(files.Count, seen);
    }

    private static async Task PurgeAsync() => await Shell.RunAsync("dpkg", "-P", "edge-gateway");
}
