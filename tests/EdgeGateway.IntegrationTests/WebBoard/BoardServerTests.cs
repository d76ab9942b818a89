using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using EdgeGateway.Center;
using EdgeGateway.Center.History;
using EdgeGateway.Center.Web;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests.WebBoard;

/// <summary>The board's parts without a browser: the password file, the options, the bind failure, the page's strings.</summary>
public sealed partial class BoardServerTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("edge-board-unit-");

    private string Users => Path.Combine(_directory.FullName, "operators");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void PasswordFile_HoldsSaltedPbkdf2Hashes_OwnerOnly_AndASetReplacesTheOperatorsLine()
    {
        var passwords = new OperatorPasswords(Users);
        passwords.Set("李娜", "first password");
        passwords.Set("operator-2", "other");
        passwords.Set("李娜", "second password");

        Assert.True(passwords.Verify("李娜", "second password"));
        Assert.False(passwords.Verify("李娜", "first password"));
        Assert.True(passwords.Verify("operator-2", "other"));
        Assert.False(passwords.Verify("nobody", "other"));
        Assert.Equal(["operator-2", "李娜"], passwords.Names());
        var text = File.ReadAllText(Users);
        Assert.DoesNotContain("password", text, StringComparison.Ordinal);
        Assert.Matches(@"^李娜:pbkdf2-sha256:600000:[A-Za-z0-9+/=]{24}:[A-Za-z0-9+/=]{44}$", File.ReadAllLines(Users).Single(l => l.StartsWith("李娜", StringComparison.Ordinal)));
        Assert.True(OperatingSystem.IsLinux(), "the center runs on Linux");
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Users));
        }

        Assert.Throws<ArgumentException>(() => passwords.Set("a:b", "x"));
    }

    [Fact]
    public void Options_EachProblemNamesItsOption()
    {
        new OperatorPasswords(Users).Set("op", "pw");
        Assert.Empty(new BoardWebOptions { Http = "127.0.0.1:8080", UsersFile = Users }.Problems());
        Assert.Empty(new BoardWebOptions { Http = "[::1]:8080", UsersFile = Users, PathBase = "/board", KnownProxies = ["10.0.0.5"] }.Problems());
        Assert.Empty(new BoardWebOptions().Problems());

        Assert.StartsWith("--http board.local:8080: not ADDRESS:PORT", Assert.Single(new BoardWebOptions { Http = "board.local:8080", UsersFile = Users }.Problems()), StringComparison.Ordinal);
        Assert.StartsWith("--http 127.0.0.1: not ADDRESS:PORT", Assert.Single(new BoardWebOptions { Http = "127.0.0.1", UsersFile = Users }.Problems()), StringComparison.Ordinal);
        Assert.StartsWith("--http 127.0.0.1:70000", Assert.Single(new BoardWebOptions { Http = "127.0.0.1:70000", UsersFile = Users }.Problems()), StringComparison.Ordinal);
        Assert.StartsWith("--http needs --http-users", Assert.Single(new BoardWebOptions { Http = "127.0.0.1:8080" }.Problems()), StringComparison.Ordinal);
        Assert.StartsWith("--http-users /nonexistent: no such file", Assert.Single(new BoardWebOptions { Http = "127.0.0.1:8080", UsersFile = "/nonexistent" }.Problems()), StringComparison.Ordinal);
        Assert.StartsWith("--http-path-base board/", Assert.Single(new BoardWebOptions { Http = "127.0.0.1:8080", UsersFile = Users, PathBase = "board/" }.Problems()), StringComparison.Ordinal);
        Assert.StartsWith("--http-known-proxy proxy.county", Assert.Single(new BoardWebOptions { Http = "127.0.0.1:8080", UsersFile = Users, KnownProxies = ["proxy.county"] }.Problems()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAddressInUse_StopsTheStart_WithAMessageNamingHttp()
    {
        new OperatorPasswords(Users).Set("op", "pw");
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var center = new CenterConsole(new CenterOptions(), TimeProvider.System);

        var refused = await Assert.ThrowsAsync<BoardStartException>(() =>
            BoardServer.StartAsync(new BoardWebOptions { Http = $"127.0.0.1:{port}", UsersFile = Users }, center, TimeProvider.System, CancellationToken.None));

        Assert.StartsWith($"--http 127.0.0.1:{port}: cannot listen there: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("address already in use", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EdgeCenter_WithABadHttpOption_ExitsConfigErrorNamingIt_BeforeAnyConnect()
    {
        var center = new GatewayProcess(_directory.FullName, new { }, ["dotnet", Path.Combine(AppContext.BaseDirectory, "edge-center.dll")]);
        await using (center)
        {
            // Port 1: nothing listens there, so a console that went on to connect would say so instead.
            await center.StartAsync(["--port", "1", "--http", "board.local:8080", "--http-users", Users], waitForSocket: false);
            Assert.Equal(78, await center.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Contains("edge-center: --http board.local:8080: not ADDRESS:PORT with an IP address", center.Output, StringComparison.Ordinal);
        Assert.Contains("edge-center: --http-users", center.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("connecting to", center.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryStringOfThePage_IsInBothLanguages()
    {
        var i18n = AssetEndpoints.Text("i18n.js");
        var chinese = Keys(i18n[i18n.IndexOf("'zh-CN': {", StringComparison.Ordinal)..i18n.IndexOf("  en: {", StringComparison.Ordinal)]);
        var english = Keys(i18n[i18n.IndexOf("  en: {", StringComparison.Ordinal)..i18n.IndexOf("};", StringComparison.Ordinal)]);
        Assert.True(chinese.Count > 50, $"{chinese.Count} keys read");
        Assert.Equal(chinese.Order(StringComparer.Ordinal), english.Order(StringComparer.Ordinal));

        // Every key the pages name is in the table.
        var used = AssetEndpoints.Names.Where(n => n.EndsWith(".html", StringComparison.Ordinal) || n.EndsWith(".js", StringComparison.Ordinal))
            .SelectMany(n => UsedKey().Matches(AssetEndpoints.Text(n)).Select(m => m.Groups[1].Value))
            .Where(k => !k.EndsWith('.'))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Empty(used.Except(chinese, StringComparer.Ordinal));
    }

    [Fact]
    public void ThePage_LoadsNothingFromOutside()
    {
        Assert.Equal(["board.css", "board.js", "history.js", "i18n.js", "index.html", "login.html", "report.js", "tickets.js"], AssetEndpoints.Names.Order(StringComparer.Ordinal));
        Assert.All(AssetEndpoints.Names, name => Assert.DoesNotMatch(@"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", AssetEndpoints.Text(name)));
    }

    [Fact]
    public void HistoryQuery_FiltersBySchoolKindStateAndTimeRange()
    {
        var at = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        var panic = Record("school-a", "panic", "active", at, ackedBy: "张伟");
        var smoke = Record("school-b", "smoke", "active", at.AddHours(1), ackedBy: null);
        var restored = Record("school-a", "panic", "restored", at.AddHours(2), ackedBy: "edge-center");
        AlarmRecord[] all = [panic, smoke, restored];

        Assert.Equal([panic, restored], all.Where(new AlarmQuery(Site: "school-a").Matches));
        Assert.Equal([smoke], all.Where(new AlarmQuery(Kind: "smoke").Matches));
        Assert.Equal([smoke], all.Where(new AlarmQuery(State: "awaiting").Matches));
        Assert.Equal([panic, restored], all.Where(new AlarmQuery(State: "acknowledged").Matches));
        Assert.Equal([restored], all.Where(new AlarmQuery(State: "restored").Matches));
        Assert.Equal([smoke], all.Where(new AlarmQuery(From: at.AddMinutes(30), To: at.AddHours(2)).Matches));
        Assert.Equal(all, all.Where(new AlarmQuery().Matches));
    }

    private static AlarmRecord Record(string site, string kind, string state, DateTimeOffset at, string? ackedBy) => new(
        new CenterMessage($"campus/v1/{site}/gw1/alarm", Guid.CreateVersion7().ToString(), 1, "b1", site, "gw1", "input", kind, state, at, true, "", true),
        at, TimeSpan.FromMilliseconds(40), ackedBy, ackedBy is null ? null : at.AddMinutes(1));

    private static HashSet<string> Keys(string table) =>
        TableKey().Matches(table).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"(?:'([\w.-]+)'|\b(\w+)): '", RegexOptions.Multiline)]
    private static partial Regex TableKey();

    [GeneratedRegex(@"(?:data-i18n=""|Lang\.t\(')([\w.-]+)")]
    private static partial Regex UsedKey();
}
