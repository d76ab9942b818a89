namespace EdgeGateway.IntegrationTests.UnitSandbox;

/// <summary>
/// The <c>[Service]</c> directives of a unit file, as systemd reads them: <c>Key=value</c> lines, a later assignment of a
/// list directive adds to it, an empty one resets it. Only what the sandbox checks need: no drop-ins, no specifiers.
/// </summary>
public sealed class UnitDirectives
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    private UnitDirectives()
    {
    }

    public static UnitDirectives Read(string unitFile)
    {
        var unit = new UnitDirectives();
        var section = "";
        foreach (var raw in File.ReadAllLines(unitFile))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                section = line;
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (section != "[Service]" || equals < 0)
            {
                continue;
            }

            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (!unit._values.TryGetValue(key, out var list))
            {
                unit._values[key] = list = [];
            }

            if (value.Length == 0)
            {
                list.Clear();
            }
            else
            {
                list.Add(value);
            }
        }

        return unit;
    }

    /// <summary>Every assignment of <paramref name="key"/>, in order (empty when absent).</summary>
    public IReadOnlyList<string> All(string key) => _values.TryGetValue(key, out var list) ? list : [];

    /// <summary>The last assignment (what systemd uses for a single-valued directive), or null.</summary>
    public string? Last(string key) => All(key) is [.., var last] ? last : null;

    /// <summary>A boolean directive (<c>yes</c>/<c>true</c>/<c>on</c>/<c>1</c>).</summary>
    public bool IsOn(string key) => Last(key) is "yes" or "true" or "on" or "1";

    /// <summary>The space-separated words of every assignment of a list directive.</summary>
    public IReadOnlyList<string> Words(string key) =>
        All(key).SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
}
