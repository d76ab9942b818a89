using System.Globalization;
using System.Net;
using System.Text;
using EdgeGateway.Center.Storage;

namespace EdgeGateway.Center.TestRecords;

/// <summary>How an input stands in a test report.</summary>
public enum ProofStatus
{
    /// <summary>Tested in the report's period.</summary>
    Proven,

    /// <summary>Tested before the period, less than the overdue period before its end.</summary>
    Current,

    /// <summary>Never tested, or last tested longer than the overdue period before the end of the period.</summary>
    Overdue,
}

/// <summary>One input's line of a <see cref="TestReport"/>.</summary>
public sealed record TestReportLine(KnownInput Input, ProofStatus Status, DateTimeOffset? LastProven, string? LastTestedBy, int TestsInPeriod, long? MedianRoundTripMs, long? WorstRoundTripMs);

/// <summary>
/// The button-test report of one school for a period [<see cref="From"/>, <see cref="To"/>): every input its gateways
/// reported (and any tested one they did not), proven, current or overdue (no test within <see cref="OverdueAfter"/>
/// before the end), and the median and worst round trip of the period's tests. Renders as CSV and as an HTML fragment
/// (no page, no styles: the web board embeds it).
/// </summary>
public sealed record TestReport(string Site, DateTimeOffset From, DateTimeOffset To, TimeSpan OverdueAfter, IReadOnlyList<TestReportLine> Lines, long? MedianRoundTripMs, long? WorstRoundTripMs, int Tests)
{
    public static TestReport Build(TestRecordStore store, string site, DateTimeOffset from, DateTimeOffset to, TimeSpan overdueAfter)
    {
        ArgumentNullException.ThrowIfNull(store);
        var tests = store.Tests(site, to);
        var inputs = store.Inputs(site).ToList();
        inputs.AddRange(tests.Where(t => !inputs.Any(i => i.Gateway == t.Gateway && i.Input == t.Input))
            .Select(t => new KnownInput(t.Site, t.Gateway, t.Input, t.Kind, t.Location)).DistinctBy(i => (i.Gateway, i.Input)));
        var inPeriod = tests.Where(t => t.PressedAt >= from).ToList();
        var lines = inputs.OrderBy(i => i.Gateway, StringComparer.Ordinal).ThenBy(i => i.Input, StringComparer.Ordinal).Select(input =>
        {
            var own = tests.Where(t => t.Gateway == input.Gateway && t.Input == input.Input).ToList();
            var last = own.LastOrDefault();
            var period = own.Where(t => t.PressedAt >= from).ToList();
            var status = period.Count > 0 ? ProofStatus.Proven
                : last is not null && to - last.PressedAt <= overdueAfter ? ProofStatus.Current
                : ProofStatus.Overdue;
            var (median, worst) = RoundTrips(period);
            return new TestReportLine(input, status, last?.PressedAt, last?.TestedBy, period.Count, median, worst);
        }).ToList();
        var (siteMedian, siteWorst) = RoundTrips(inPeriod);
        return new TestReport(site, from, to, overdueAfter, lines, siteMedian, siteWorst, inPeriod.Count);
    }

    public IEnumerable<TestReportLine> Overdue => Lines.Where(l => l.Status == ProofStatus.Overdue);

    public string ToCsv()
    {
        var csv = new StringBuilder("site,gateway,input,kind,location,status,last_proven,last_tested_by,tests_in_period,median_round_trip_ms,worst_round_trip_ms\r\n");
        foreach (var line in Lines)
        {
            Csv.AppendRow(csv, Site, line.Input.Gateway, line.Input.Input, line.Input.Kind, line.Input.Location, StatusName(line.Status), Csv.Time(line.LastProven),
                line.LastTestedBy, Number(line.TestsInPeriod), Number(line.MedianRoundTripMs), Number(line.WorstRoundTripMs));
        }

        Csv.AppendRow(csv, Site, "", "(all)", "", $"{Csv.Time(From)} to {Csv.Time(To)}, overdue after {OverdueAfter.TotalDays:0} days", "", "", "", Number(Tests), Number(MedianRoundTripMs), Number(WorstRoundTripMs));
        return csv.ToString();
    }

    /// <summary>An HTML fragment: a <c>section</c> with a heading, the figures and one table row per input; every text is encoded.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"test-report\" data-site=\"{E(Site)}\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<h2>Button tests: {E(Site)}, {E(Csv.Time(From))} to {E(Csv.Time(To))}</h2>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>{Lines.Count(l => l.Status == ProofStatus.Proven)} proven, {Overdue.Count()} overdue (no test in {OverdueAfter.TotalDays:0} days) of {Lines.Count} inputs; {Tests} tests, round trip median {Ms(MedianRoundTripMs)}, worst {Ms(WorstRoundTripMs)}.</p>\n");
        html.Append("<table>\n<thead><tr><th>gateway</th><th>input</th><th>kind</th><th>location</th><th>status</th><th>last proven</th><th>by</th><th>tests</th><th>median</th><th>worst</th></tr></thead>\n<tbody>\n");
        foreach (var line in Lines)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{StatusName(line.Status)}\"><td>{E(line.Input.Gateway)}</td><td>{E(line.Input.Input)}</td><td>{E(line.Input.Kind)}</td><td>{E(line.Input.Location)}</td><td>{StatusName(line.Status)}</td><td>{E(Csv.Time(line.LastProven))}</td><td>{E(line.LastTestedBy ?? "")}</td><td>{line.TestsInPeriod}</td><td>{Ms(line.MedianRoundTripMs)}</td><td>{Ms(line.WorstRoundTripMs)}</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</section>\n");
        return html.ToString();
    }

    public static string StatusName(ProofStatus status) => status.ToString().ToLowerInvariant();

    private static (long? Median, long? Worst) RoundTrips(IEnumerable<TestRecord> tests)
    {
        var trips = tests.Where(t => t.RoundTripMs is not null).Select(t => t.RoundTripMs!.Value).Order().ToArray();
        if (trips.Length == 0)
        {
            return (null, null);
        }

        var middle = trips.Length / 2;
        var median = trips.Length % 2 == 1 ? trips[middle] : (trips[middle - 1] + trips[middle]) / 2;
        return (median, trips[^1]);
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Ms(long? ms) => ms is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value} ms") : "-";

    private static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
