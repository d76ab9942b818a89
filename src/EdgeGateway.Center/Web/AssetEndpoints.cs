using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Center.Web;

/// <summary>The page, its scripts, styles and strings, embedded in the assembly (<c>Web/Assets/</c>): nothing from outside.</summary>
internal static class AssetEndpoints
{
    private static readonly FrozenDictionary<string, string> s_types = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, byte[]> s_assets = Load();

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Asset("index.html")).RequireAuthorization();
        app.MapGet("/login", () => Asset("login.html"));
        app.MapGet("/assets/{name}", (string name) => Asset(name));
    }

    /// <summary>The names of the embedded assets.</summary>
    public static IEnumerable<string> Names => s_assets.Keys;

    /// <summary>An embedded asset's text (tests read the strings from it).</summary>
    public static string Text(string name) => System.Text.Encoding.UTF8.GetString(s_assets[name]);

    private static IResult Asset(string name) =>
        s_assets.TryGetValue(name, out var bytes) && s_types.TryGetValue(Path.GetExtension(name), out var type)
            ? Results.Bytes(bytes, type)
            : Results.NotFound();

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = typeof(AssetEndpoints).Assembly;
        const string prefix = "board/";
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToFrozenDictionary(
            n => n[prefix.Length..],
            n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            },
            StringComparer.Ordinal);
    }
}
