using System.Diagnostics;
using EdgeGateway.TestKit;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests.Packaging;

/// <summary>
/// A card that commissions itself: deploy/prepare-card onto a FAT image (mkfs.vfat) read back with mtools, and the
/// first boot (deploy/card/firstboot.sh) in a scratch root, with the package unpacked from the real .deb, against a
/// real Mosquitto where the center's subscriber gets the retained commissioning message.
/// </summary>
[Collection(DebianPackageCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CardTests(DebianPackages packages, ITestOutputHelper output) : IDisposable
{
    private const string Cmdline = "console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait";
    private static readonly string s_deploy = Path.Combine(ContractSchemas.RepositoryRoot, "deploy");
    private readonly string _scratch = Directory.CreateTempSubdirectory("edge-gateway-card-").FullName;

    [Fact]
    public async Task PrepareCard_OnAFatImage_WritesPackageConfigAndSecrets_AndHooksTheFirstBootIntoCmdline()
    {
        var image = Path.Combine(_scratch, "bootfs.img");
        (await Shell.RunAsync("mkfs.vfat", "-n", "bootfs", "-C", image, "65536")).AssertSuccess("mkfs.vfat");
        await File.WriteAllTextAsync(Path.Combine(_scratch, "cmdline.txt"), Cmdline + "\n");
        (await Mtools("mcopy", "-i", image, Path.Combine(_scratch, "cmdline.txt"), "::cmdline.txt")).AssertSuccess("mcopy");
        var school = await SchoolFilesAsync("{}");

        (await PrepareCardAsync(school, "--image", image)).AssertSuccess("prepare-card --image");

        var listing = (await Mtools("mdir", "-b", "-i", image, "::edge-gateway")).AssertSuccess("mdir").Output;
        output.WriteLine(listing);
        Assert.Equal(
            ["ca.crt", "client.key", "config.json", "edge-gateway-firstboot.service", Path.GetFileName(packages.Arm64), "firstboot.sh", "gw1.crt", "mqtt-credentials"],
            listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim()[(line.Trim().LastIndexOf('/') + 1)..]).Order(StringComparer.Ordinal));
        Assert.Equal("the gateway's key", (await Mtools("mtype", "-i", image, "::edge-gateway/client.key")).Output);
        var back = Path.Combine(_scratch, "deb-back");
        (await Mtools("mcopy", "-n", "-i", image, $"::edge-gateway/{Path.GetFileName(packages.Arm64)}", back)).AssertSuccess("mcopy back");
        Assert.Equal(await File.ReadAllBytesAsync(packages.Arm64), await File.ReadAllBytesAsync(back));
        Assert.Equal(
            $"{Cmdline} systemd.run=/boot/firmware/edge-gateway/firstboot.sh systemd.run_success_action=reboot systemd.unit=kernel-command-line.target",
            (await Mtools("mtype", "-i", image, "::cmdline.txt")).Output.Trim());

        // Run again (a second attempt by the installer): the hook is not added twice.
        (await PrepareCardAsync(school, "--image", image)).AssertSuccess("prepare-card again");
        Assert.Single(System.Text.RegularExpressions.Regex.Matches((await Mtools("mtype", "-i", image, "::cmdline.txt")).Output, "systemd.run="));
    }

    [Fact]
    public async Task PrepareCard_OnACardCustomisedByTheImager_ChainsIntoItsFirstrunScript()
    {
        var boot = Path.Combine(_scratch, "bootfs");
        Directory.CreateDirectory(boot);
        await File.WriteAllTextAsync(Path.Combine(boot, "cmdline.txt"), Cmdline + " systemd.run=/boot/firmware/firstrun.sh systemd.run_success_action=reboot systemd.unit=kernel-command-line.target\n");
        await File.WriteAllTextAsync(Path.Combine(boot, "firstrun.sh"), "#!/bin/bash\nset +e\nhostnamectl set-hostname hy-school-017-gw1\nrm -f /boot/firmware/firstrun.sh\nsed -i 's| systemd.run.*||g' /boot/firmware/cmdline.txt\nexit 0\n");

        (await PrepareCardAsync(await SchoolFilesAsync("{}"), "--boot", boot)).AssertSuccess("prepare-card --boot");

        var firstrun = await File.ReadAllLinesAsync(Path.Combine(boot, "firstrun.sh"));
        Assert.Equal("/bin/sh /boot/firmware/edge-gateway/firstboot.sh stage", firstrun[Array.IndexOf(firstrun, "rm -f /boot/firmware/firstrun.sh") - 1]);
        Assert.True(File.Exists(Path.Combine(boot, "edge-gateway", "firstboot.sh")));
    }

    [Fact]
    public async Task FirstBoot_InAScratchRoot_InstallsMovesAndErasesSecrets_AndTheCenterGetsTheCommissioningTable()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new MqttRecorder(broker.Port);
        await center.StartAsync();
        var root = Path.Combine(_scratch, "root");
        var boot = Path.Combine(root, "boot", "firmware");
        Directory.CreateDirectory(boot);
        await File.WriteAllTextAsync(Path.Combine(boot, "cmdline.txt"), Cmdline + "\n");
        var etc = Path.Combine(root, "etc", "edge-gateway");
        var config = GatewayProcess.SimulatedConfig(root, broker.Port, [Gateway.Input("office-panic", 17, "panic")]);
        GatewayProcess.Section(config, "Gateway")["DataDirectory"] = Path.Combine(root, "var", "lib", "edge-gateway");
        GatewayProcess.Section(config, "Mqtt")["CredentialsFile"] = Path.Combine(etc, "mqtt-credentials");
        var configText = System.Text.Json.JsonSerializer.Serialize(config);
        (await PrepareCardAsync(await SchoolFilesAsync(configText), "--boot", boot)).AssertSuccess("prepare-card");
        var card = Path.Combine(boot, "edge-gateway");
        var unpack = Path.Combine(_scratch, "unpack.sh");
        await File.WriteAllTextAsync(unpack, $"#!/bin/sh\nexec dpkg-deb -x \"$1\" '{root}'\n");
        File.SetUnixFileMode(unpack, (UnixFileMode)0b111_101_101);
        // The Pi would install the arm64 package; this machine runs the amd64 one of the same release.
        File.Move(Path.Combine(card, Path.GetFileName(packages.Arm64)), Path.Combine(card, "edge-gateway_0.1.0-1_arm64.deb.not-this-machine"));
        File.Copy(packages.Amd64, Path.Combine(card, Path.GetFileName(packages.Amd64)));
        var environment = new Dictionary<string, string> { ["EDGE_ROOT"] = root, ["EDGE_INSTALL"] = unpack };

        (await Shell.RunAsync("sh", [Path.Combine(card, "firstboot.sh"), "stage"], TimeSpan.FromMinutes(1), environment)).AssertSuccess("firstboot stage");

        Assert.Equal(Cmdline, (await File.ReadAllTextAsync(Path.Combine(boot, "cmdline.txt"))).Trim());
        Assert.Contains($"ExecStart=/bin/sh {card}/firstboot.sh commission", await File.ReadAllTextAsync(Path.Combine(root, "etc/systemd/system/edge-gateway-firstboot.service")), StringComparison.Ordinal);
        Assert.Equal("../edge-gateway-firstboot.service", new FileInfo(Path.Combine(root, "etc/systemd/system/multi-user.target.wants/edge-gateway-firstboot.service")).LinkTarget);

        // The second boot: edge-gateway-firstboot.service.
        var started = Stopwatch.GetTimestamp();
        var commission = await Shell.RunAsync("sh", [Path.Combine(card, "firstboot.sh"), "commission"], TimeSpan.FromMinutes(3), environment);
        await GatewayProcess.WaitUntilAsync(() => center.On("gw1/commissioning").Any(), TimeSpan.FromSeconds(30));
        var elapsed = Stopwatch.GetElapsedTime(started);

        var log = await File.ReadAllTextAsync(Path.Combine(card, "firstboot.log"));
        output.WriteLine(log);
        output.WriteLine($"first boot (commission step) start -> commissioning message at the center: {elapsed.TotalMilliseconds:0} ms");
        commission.AssertSuccess("firstboot commission");
        Assert.Contains("commissioning done", log, StringComparison.Ordinal);
        Assert.Equal(configText, await File.ReadAllTextAsync(Path.Combine(etc, "config.json")));
        Assert.Equal("username=test-school\npassword=site-pass\n", await File.ReadAllTextAsync(Path.Combine(etc, "mqtt-credentials")));
        Assert.Equal((UnixFileMode)0b110_100_000, Mode(Path.Combine(etc, "config.json")));
        Assert.Equal((UnixFileMode)0b110_000_000, Mode(Path.Combine(etc, "client.key")));
        Assert.Equal((UnixFileMode)0b110_000_000, Mode(Path.Combine(etc, "mqtt-credentials")));
        Assert.Equal((UnixFileMode)0b110_100_100, Mode(Path.Combine(etc, "gw1.crt")));
        Assert.Equal((UnixFileMode)0b111_101_101, Mode(Path.Combine(root, "usr/bin/edge-gateway")));
        Assert.Equal(
            ["edge-gateway-firstboot.service", "edge-gateway_0.1.0-1_arm64.deb.not-this-machine", "firstboot.log", "firstboot.sh"],
            Directory.GetFiles(card).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(root, "etc/systemd/system/multi-user.target.wants/edge-gateway-firstboot.service")));

        var message = center.On("gw1/commissioning").Single();
        Assert.Equal("campus/v1/test-school/gw1/commissioning", message.Topic);
        Assert.Equal(
            ["config pass", "pins pass", "data-dir pass", "broker pass", "tls+auth pass", "round-trip pass"],
            message.Json.GetProperty("checks").EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()} {c.GetProperty("result").GetString()}").Where(row => !row.StartsWith("clock", StringComparison.Ordinal)));
        center.Contract.AssertNoViolations();
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static UnixFileMode Mode(string path) => File.GetUnixFileMode(path) & (UnixFileMode)0b111_111_111;

    /// <summary>What the county hands the installer for one gateway.</summary>
    private async Task<Dictionary<string, string>> SchoolFilesAsync(string configText)
    {
        var folder = Path.Combine(_scratch, "school");
        Directory.CreateDirectory(folder);
        var files = new Dictionary<string, string>
        {
            ["--config"] = "config.json",
            ["--ca"] = "ca.crt",
            ["--cert"] = "gw1.crt",
            ["--key"] = "gw1.key",
            ["--credentials"] = "mqtt-credentials",
        };
        var contents = new Dictionary<string, string>
        {
            ["config.json"] = configText,
            ["ca.crt"] = "the center's CA",
            ["gw1.crt"] = "the gateway's certificate",
            ["gw1.key"] = "the gateway's key",
            ["mqtt-credentials"] = "username=test-school\npassword=site-pass\n",
        };
        foreach (var (name, text) in contents)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, name), text);
        }

        return files.ToDictionary(pair => pair.Key, pair => Path.Combine(folder, pair.Value));
    }

    private Task<ShellResult> PrepareCardAsync(Dictionary<string, string> school, params string[] target) => Shell.RunAsync(
        Path.Combine(s_deploy, "prepare-card"),
        [.. school.SelectMany(pair => new[] { pair.Key, pair.Value }), "--deb", packages.Arm64, .. target],
        TimeSpan.FromMinutes(2));

    private static Task<ShellResult> Mtools(string program, params string[] arguments) =>
        Shell.RunAsync(program, arguments, TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1" });
}
