using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// Holds the layering: which project may reference which outside library, that every namespace names its project,
/// and that Core's folders do not import each other in circles. Read from the project files and sources (what a
/// newcomer reads) and from the compiled assemblies (what actually ships).
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly string s_src = Path.Combine(ContractSchemas.RepositoryRoot, "src");

    /// <summary>Outside packages each project may reference directly; anything else is a layering break.</summary>
    private static readonly Dictionary<string, string[]> s_allowedPackages = new(StringComparer.Ordinal)
    {
        ["EdgeGateway.Core"] = ["Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Extensions.Options", "Microsoft.Extensions.Options.ConfigurationExtensions", "Microsoft.Extensions.Configuration.Abstractions", "Microsoft.Extensions.Configuration.Binder", "Microsoft.Extensions.DependencyInjection.Abstractions"],
        ["EdgeGateway.Hardware"] = ["System.Device.Gpio", "Iot.Device.Bindings", "System.Drawing.Common", "Microsoft.Win32.SystemEvents", "System.IO.Ports", "UnitsNet", "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.Options.ConfigurationExtensions"],
        ["EdgeGateway.Outbox.LiteDb"] = ["LiteDB", "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.Options.ConfigurationExtensions"],
        ["EdgeGateway.Mqtt"] = ["MQTTnet", "Polly.Core", "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.Options.ConfigurationExtensions"],
        ["EdgeGateway.Host"] = ["Microsoft.Extensions.Hosting", "Microsoft.Extensions.Hosting.Systemd", "System.CommandLine", "OpenTelemetry.Exporter.Prometheus.HttpListener"],
        ["EdgeGateway.Center"] = ["MQTTnet", "System.CommandLine", "OpenTelemetry.Exporter.Prometheus.HttpListener", "Microsoft.Data.Sqlite"],
        ["EdgeGateway.Demo"] = ["MQTTnet", "MQTTnet.Server", "Microsoft.Extensions.Hosting", "System.CommandLine"],
    };

    /// <summary>Projects each project may reference: Core ← {Hardware, Outbox.LiteDb, Mqtt} ← Host ← Demo; the center stands alone.</summary>
    private static readonly Dictionary<string, string[]> s_allowedProjects = new(StringComparer.Ordinal)
    {
        ["EdgeGateway.Core"] = [],
        ["EdgeGateway.Hardware"] = ["EdgeGateway.Core"],
        ["EdgeGateway.Outbox.LiteDb"] = ["EdgeGateway.Core"],
        ["EdgeGateway.Mqtt"] = ["EdgeGateway.Core"],
        ["EdgeGateway.Host"] = ["EdgeGateway.Core", "EdgeGateway.Hardware", "EdgeGateway.Outbox.LiteDb", "EdgeGateway.Mqtt"],
        ["EdgeGateway.Center"] = [],
        ["EdgeGateway.Demo"] = ["EdgeGateway.Host", "EdgeGateway.Center", "EdgeGateway.Core", "EdgeGateway.Mqtt", "EdgeGateway.Hardware"],
    };

    private static readonly string[] s_projects = [.. Directory.GetDirectories(s_src).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    public static TheoryData<string> Projects() => [.. s_projects];

    [Fact]
    public void EveryProject_HasItsRulesAndAReadme()
    {
        foreach (var project in s_projects)
        {
            Assert.True(s_allowedPackages.ContainsKey(project), $"{project} has no layering rule in {nameof(LayeringTests)}");
            Assert.True(File.Exists(Path.Combine(s_src, project, "README.md")), $"{project} has no README.md");
        }
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Project_ReferencesOnlyWhatItsLayerAllows(string project)
    {
        var csproj = XDocument.Load(Path.Combine(s_src, project, project + ".csproj"));
        var packages = csproj.Descendants("PackageReference").Select(e => (string?)e.Attribute("Include")).OfType<string>()
            .Where(p => p != "Microsoft.CodeAnalysis.BannedApiAnalyzers");
        var projects = csproj.Descendants("ProjectReference").Select(e => Path.GetFileNameWithoutExtension(((string?)e.Attribute("Include") ?? "").Replace('\\', '/')));

        Assert.Empty(packages.Except(s_allowedPackages[project], StringComparer.Ordinal));
        Assert.Empty(projects.Except(s_allowedProjects[project], StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void EverySourceFile_DeclaresANamespaceUnderItsProject(string project)
    {
        var wrong = SourceFiles(project)
            .Select(file => (file, ns: NamespaceDeclaration().Match(File.ReadAllText(file))))
            .Where(f => f.ns.Success && !(f.ns.Groups[1].Value == project || f.ns.Groups[1].Value.StartsWith(project + ".", StringComparison.Ordinal)))
            .Select(f => $"{Path.GetRelativePath(s_src, f.file)}: {f.ns.Groups[1].Value}");

        Assert.Empty(wrong);
    }

    [Fact]
    public void CompiledAssemblies_ReferenceOutsideLibrariesOnlyFromTheirOwnAdapter()
    {
        var assemblies = new[] { "EdgeGateway.Core", "EdgeGateway.Hardware", "EdgeGateway.Outbox.LiteDb", "EdgeGateway.Mqtt", "edge-gateway" }
            .ToDictionary(name => name, name => Assembly.Load(name).GetReferencedAssemblies().Select(r => r.Name ?? "").ToHashSet(StringComparer.Ordinal));

        Assert.DoesNotContain(assemblies["EdgeGateway.Core"], r => r.StartsWith("EdgeGateway", StringComparison.Ordinal) || !(r.StartsWith("System.", StringComparison.Ordinal) || r.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || r == "netstandard"));
        Assert.All(assemblies.Where(a => a.Key != "EdgeGateway.Hardware"), a => Assert.DoesNotContain(a.Value, r => r is "System.Device.Gpio" or "Iot.Device.Bindings"));
        Assert.All(assemblies.Where(a => a.Key != "EdgeGateway.Outbox.LiteDb"), a => Assert.DoesNotContain("LiteDB", a.Value));
        Assert.All(assemblies.Where(a => a.Key != "EdgeGateway.Mqtt"), a => Assert.DoesNotContain(a.Value, r => r.StartsWith("MQTTnet", StringComparison.Ordinal)));
        Assert.DoesNotContain("MQTTnet.Server", assemblies["EdgeGateway.Mqtt"]);
        Assert.DoesNotContain("edge-center", assemblies["edge-gateway"]);
    }

    [Fact]
    public void CompiledTypes_LiveInTheirProjectsNamespace()
    {
        var roots = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["EdgeGateway.Core"] = "EdgeGateway.Core",
            ["EdgeGateway.Hardware"] = "EdgeGateway.Hardware",
            ["EdgeGateway.Outbox.LiteDb"] = "EdgeGateway.Outbox.LiteDb",
            ["EdgeGateway.Mqtt"] = "EdgeGateway.Mqtt",
            ["edge-gateway"] = "EdgeGateway.Host",
        };
        var wrong = roots.SelectMany(root => Assembly.Load(root.Key).GetTypes()
            .Where(t => !t.IsNested && t.Namespace is not null && !t.Namespace.StartsWith("Microsoft.", StringComparison.Ordinal) && !t.Namespace.StartsWith("System.", StringComparison.Ordinal))
            .Where(t => !(t.Namespace == root.Value || t.Namespace!.StartsWith(root.Value + ".", StringComparison.Ordinal)))
            .Select(t => $"{root.Key}: {t.FullName}"));

        Assert.Empty(wrong);
    }

    /// <summary>Events is the vocabulary every folder may import, so it imports none of them; outputs follow the downlink's ack state, not the other way round.</summary>
    [Theory]
    [InlineData("Events", new string[0])]
    [InlineData("Configuration", new[] { "Events" })]
    [InlineData("Downlink", new[] { "Events", "Configuration", "Outbox", "Uplink", "Inputs", "Health", "Downlink" })]
    public void CoreFolder_ImportsOnlyTheFoldersBelowIt(string folder, string[] allowed)
    {
        var imports = SourceFiles("EdgeGateway.Core", folder)
            .SelectMany(file => CoreUsing().Matches(File.ReadAllText(file)).Select(m => (file, folder: m.Groups[1].Value)))
            .Where(i => i.folder != folder && !allowed.Contains(i.folder, StringComparer.Ordinal))
            .Select(i => $"{Path.GetRelativePath(s_src, i.file)} imports Core/{i.folder}");

        Assert.Empty(imports);
    }

    [Fact]
    public void NoSourceFile_IsOver400Lines()
    {
        var large = s_projects.SelectMany(p => SourceFiles(p))
            .Select(file => (file, lines: File.ReadLines(file).Count()))
            .Where(f => f.lines > 400)
            .Select(f => $"{Path.GetRelativePath(s_src, f.file)}: {f.lines} lines");

        Assert.Empty(large);
    }

    private static IEnumerable<string> SourceFiles(string project, string folder = "") =>
        Directory.EnumerateFiles(Path.Combine(s_src, project, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^using EdgeGateway\.Core\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex CoreUsing();
}
