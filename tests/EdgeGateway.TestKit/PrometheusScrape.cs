using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeGateway.TestKit;

/// <summary>One sample of a Prometheus text exposition: <c>name{label="value",…} 1.5</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Scrapes a <c>/metrics</c> endpoint over HTTP and parses the Prometheus text format (version 0.0.4).</summary>
public static partial class PrometheusScrape
{
    /// <summary>GET <paramref name="url"/> within 10 s, parsed.</summary>
    public static async Task<IReadOnlyList<PrometheusSample>> GetAsync(string url, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri(url), cancellationToken);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentType?.MediaType != "text/plain")
        {
            throw new InvalidDataException($"{url} answered {response.Content.Headers.ContentType}, not Prometheus text");
        }

        return Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>Every sample line; comments (<c># HELP</c>, <c># TYPE</c>) and blank lines skipped. A line that is neither throws.</summary>
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                throw new InvalidDataException($"not a Prometheus sample line: '{line}'");
            }

            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["key"].Value, m => Regex.Unescape(m.Groups["value"].Value), StringComparer.Ordinal);
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add(new PrometheusSample(match.Groups["name"].Value, labels, value));
        }

        return samples;
    }

    /// <summary>The samples named <paramref name="name"/> whose labels include every one of <paramref name="labels"/> (<c>"lane=alarm"</c>).</summary>
    public static IEnumerable<PrometheusSample> Named(this IEnumerable<PrometheusSample> samples, string name, params string[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => l.Split('=', 2) is [var key, var value] && s.Labels.TryGetValue(key, out var v) && v == value));

    /// <summary>The single sample named <paramref name="name"/> with <paramref name="labels"/>; throws, listing the names present, when there is none or more.</summary>
    public static double Value(this IReadOnlyList<PrometheusSample> samples, string name, params string[] labels)
    {
        var found = samples.Named(name, labels).ToList();
        return found.Count == 1
            ? found[0].Value
            : throw new InvalidDataException($"{found.Count} samples {name}{{{string.Join(',', labels)}}}; present: {string.Join(' ', samples.Select(s => s.Name).Distinct())}");
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+-?\d+)?\s*$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(\\.|[^""\\])*)""")]
    private static partial Regex LabelPair();
}
