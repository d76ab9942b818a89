using System.Diagnostics;
using EdgeGateway.TestKit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace EdgeGateway.IntegrationTests.Packaging;

/// <summary>
/// The releases, built once per test run the way a release is: <c>deploy/publish.sh</c> (self-contained single-file
/// publish for linux-x64 and linux-arm64, then <c>deploy/build-deb.sh</c>), version 0.1.0; and a second amd64 package,
/// 0.2.0, of the same program for the upgrade tests. <c>EDGEGATEWAY_PUBLISH_DIR</c> names the <c>publish</c> folder of an
/// earlier <c>OUT=… VERSION=0.1.0 deploy/publish.sh</c> run to package instead of publishing again (a quicker local loop;
/// CI publishes).
/// </summary>
public sealed class DebianPackages : IAsyncLifetime
{
    public const string FirstVersion = "0.1.0-1";
    public const string SecondVersion = "0.2.0-1";

    private readonly IMessageSink _diagnostics;

    public DebianPackages(IMessageSink diagnostics) => _diagnostics = diagnostics;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("edge-gateway-packages-").FullName;

    public string Amd64 => Path.Combine(Directory, "release", $"edge-gateway_{FirstVersion}_amd64.deb");

    public string Amd64Second => Path.Combine(Directory, "second", $"edge-gateway_{SecondVersion}_amd64.deb");

    public string Arm64 => Path.Combine(Directory, "release", $"edge-gateway_{FirstVersion}_arm64.deb");

    public string X64Binary => Path.Combine(PublishDirectory, "linux-x64", "edge-gateway");

    public string Arm64Binary => Path.Combine(PublishDirectory, "linux-arm64", "edge-gateway");

    private string PublishDirectory => Environment.GetEnvironmentVariable("EDGEGATEWAY_PUBLISH_DIR") is { Length: > 0 } published ? published : Path.Combine(Directory, "publish");

    public TimeSpan BuildTime { get; private set; }

    public async Task InitializeAsync()
    {
        var started = Stopwatch.GetTimestamp();
        if (PublishDirectory.StartsWith(Directory, StringComparison.Ordinal))
        {
            // A deadline against a hung build only: on a 2-core CI machine both publishes take a few minutes.
            (await Shell.RunAsync(
                Path.Combine(ContractSchemas.RepositoryRoot, "deploy", "publish.sh"),
                ["linux-x64", "linux-arm64"],
                TimeSpan.FromMinutes(25),
                new Dictionary<string, string> { ["VERSION"] = "0.1.0", ["OUT"] = Directory, ["MSBUILDDISABLENODEREUSE"] = "1" })).AssertSuccess("deploy/publish.sh");
        }
        else
        {
            await BuildDebAsync(X64Binary, "0.1.0", "amd64", "release");
            await BuildDebAsync(Arm64Binary, "0.1.0", "arm64", "release");
        }

        await BuildDebAsync(X64Binary, "0.2.0", "amd64", "second");
        BuildTime = Stopwatch.GetElapsedTime(started);
        _diagnostics.OnMessage(new DiagnosticMessage(
            $"packages built in {BuildTime.TotalSeconds:0} s: arm64 {Size(Arm64)}, amd64 {Size(Amd64)}"));
    }

    private async Task BuildDebAsync(string binary, string version, string arch, string folder) =>
        (await Shell.RunAsync(
            Path.Combine(ContractSchemas.RepositoryRoot, "deploy", "build-deb.sh"),
            [binary, version, arch, Path.Combine(Directory, folder)],
            TimeSpan.FromMinutes(10))).AssertSuccess($"deploy/build-deb.sh {version} {arch}");

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    public static string Size(string file) => $"{new FileInfo(file).Length / (1024.0 * 1024):0.0} MiB ({new FileInfo(file).Length} bytes)";
}

/// <summary>The package tests share one build and run one after another (they install into this machine's dpkg).</summary>
[CollectionDefinition(Name)]
public sealed class DebianPackageCollection : ICollectionFixture<DebianPackages>
{
    public const string Name = "debian-packages";
}
