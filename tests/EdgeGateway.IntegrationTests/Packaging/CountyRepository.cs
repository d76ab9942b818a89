namespace EdgeGateway.IntegrationTests.Packaging;

/// <summary>
/// An apt repository as docs/fleet-upgrades.md has the county host it, in a temp folder served over file:: packages
/// in pool/, indexes by apt-ftparchive, InRelease signed with a throwaway gpg key, and a keyring that the source line
/// trusts with signed-by. Apt runs with only this source and its own lists folder, so the machine's sources are untouched.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CountyRepository : IDisposable
{
    private const string Suite = "county";

    private CountyRepository(string directory) => Directory = directory;

    public string Directory { get; }

    private string Root => Path.Combine(Directory, "repo");

    public string SourcesLine => $"deb [signed-by={Path.Combine(Directory, "county-archive-keyring.gpg")}] file:{Root} {Suite} main";

    public static async Task<CountyRepository> BuildAsync(IEnumerable<string> packages)
    {
        var repository = new CountyRepository(System.IO.Directory.CreateTempSubdirectory("edge-gateway-repo-").FullName);
        // Readable by apt's unprivileged download user (_apt), like a repository on a web server.
        File.SetUnixFileMode(repository.Directory, (UnixFileMode)0b111_101_101);
        var pool = Path.Combine(repository.Root, "pool", "main");
        var binaries = Path.Combine(repository.Root, "dists", Suite, "main", "binary-amd64");
        System.IO.Directory.CreateDirectory(pool);
        System.IO.Directory.CreateDirectory(binaries);
        foreach (var package in packages)
        {
            File.Copy(package, Path.Combine(pool, Path.GetFileName(package)));
        }

        var index = (await Shell.RunAsync("apt-ftparchive", ["packages", "pool"], TimeSpan.FromMinutes(1), workingDirectory: repository.Root)).AssertSuccess("apt-ftparchive packages");
        await File.WriteAllTextAsync(Path.Combine(binaries, "Packages"), index.Output + "\n");
        var release = (await Shell.RunAsync(
            "apt-ftparchive",
            ["-o", $"APT::FTPArchive::Release::Suite={Suite}", "-o", $"APT::FTPArchive::Release::Codename={Suite}", "-o", "APT::FTPArchive::Release::Components=main", "-o", "APT::FTPArchive::Release::Architectures=amd64", "release", Path.Combine("dists", Suite)],
            TimeSpan.FromMinutes(1),
            workingDirectory: repository.Root)).AssertSuccess("apt-ftparchive release");
        var releaseFile = Path.Combine(repository.Root, "dists", Suite, "Release");
        await File.WriteAllTextAsync(releaseFile, release.Output + "\n");

        var gnupg = new Dictionary<string, string> { ["GNUPGHOME"] = Path.Combine(repository.Directory, "gnupg") };
        System.IO.Directory.CreateDirectory(gnupg["GNUPGHOME"], (UnixFileMode)0b111_000_000);
        (await Shell.RunAsync("gpg", ["--batch", "--passphrase", "", "--quick-gen-key", "County repository (test) <repo@county.example>", "ed25519", "sign", "never"], TimeSpan.FromMinutes(1), gnupg)).AssertSuccess("gpg key");
        (await Shell.RunAsync("gpg", ["--batch", "--yes", "--clearsign", "-o", Path.Combine(repository.Root, "dists", Suite, "InRelease"), releaseFile], TimeSpan.FromMinutes(1), gnupg)).AssertSuccess("gpg clearsign");
        (await Shell.RunAsync("gpg", ["--batch", "--yes", "--export", "-o", Path.Combine(repository.Directory, "county-archive-keyring.gpg")], TimeSpan.FromMinutes(1), gnupg)).AssertSuccess("gpg export");
        File.SetUnixFileMode(Path.Combine(repository.Directory, "county-archive-keyring.gpg"), (UnixFileMode)0b110_100_100);

        await File.WriteAllTextAsync(Path.Combine(repository.Directory, "county.list"), repository.SourcesLine + "\n");
        System.IO.Directory.CreateDirectory(Path.Combine(repository.Directory, "lists", "partial"));
        System.IO.Directory.CreateDirectory(Path.Combine(repository.Directory, "sources.list.d"));
        return repository;
    }

    /// <summary>apt-get with only this repository's source and lists.</summary>
    public Task<ShellResult> AptAsync(params string[] arguments) => Shell.RunAsync(
        "apt-get",
        [
            "-o", $"Dir::Etc::SourceList={Path.Combine(Directory, "county.list")}",
            "-o", $"Dir::Etc::SourceParts={Path.Combine(Directory, "sources.list.d")}",
            "-o", "Dir::Cache::pkgcache=",
            "-o", "Dir::Cache::srcpkgcache=",
            "-o", $"Dir::State::Lists={Path.Combine(Directory, "lists")}",
            "-o", "APT::Get::List-Cleanup=false",
            "-o", "DPkg::Lock::Timeout=120",
            .. arguments,
        ],
        TimeSpan.FromMinutes(4));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
