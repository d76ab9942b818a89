using System.Globalization;
using System.Text;
using EdgeGateway.Center.TestRecords;
using EdgeGateway.Center.Tickets;

namespace EdgeGateway.Center.Storage;

/// <summary>
/// The operator's commands on the records (<c>tickets</c>, <c>ticket ack|fix|close</c>, <c>report</c>), for the console
/// and for <c>edge-center report</c> / <c>edge-center tickets</c>; each returns the text to show.
/// </summary>
public sealed class RecordCommands(CenterRecords records, TimeProvider time, TimeSpan overdueAfter, string operatorName)
{
    public const string Help = """
          tickets                                     open fault tickets with their age
          tickets csv [FROM [TO]]                     ticket history as CSV (dates yyyy-MM-dd or ISO timestamps, UTC)
          ticket ack <n>                              acknowledge ticket n
          ticket fix <n> <note…>                      rectified by hand, with what was done
          ticket close <n> [note…]                    verified: close it
          report <site> [FROM [TO]] [csv|html]        button-test report (default: the overdue period up to now, CSV)
        """;

    /// <summary>The answer to <paramref name="words"/>, or null when they are not a records command.</summary>
    public string? Execute(string[] words)
    {
        ArgumentNullException.ThrowIfNull(words);
        return words switch
        {
            ["tickets"] => OpenTickets(),
            ["tickets", "csv", .. var period] when Period(period, out var from, out var to) => records.Tickets.HistoryCsv(from, to),
            ["ticket", "ack", var n] when Id(n) is { } id => Changed(records.Tickets.Acknowledge(id, operatorName), n, "is not a discovered ticket"),
            ["ticket", "fix", var n, .. var note] when Id(n) is { } id && note.Length > 0 => Changed(records.Tickets.Rectify(id, operatorName, string.Join(' ', note)), n, "is not an open, unrectified ticket"),
            ["ticket", "close", var n, .. var note] when Id(n) is { } id => Changed(records.Tickets.Verify(id, operatorName, note.Length > 0 ? string.Join(' ', note) : null), n, "is not an open ticket"),
            ["report", var site, .. var rest] when Format(rest, out var format, out var period) && Period(period, out var from, out var to) =>
                Report(site, from, to, format),
            _ => null,
        };
    }

    /// <summary>The open tickets, one line each: number, state, age, gateway, source, cause, location.</summary>
    public string OpenTickets()
    {
        var open = records.Tickets.Open();
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"TICKETS {open.Count} open");
        foreach (var (ticket, age) in open)
        {
            text.Append('\n').Append(Line(ticket, age));
        }

        return text.ToString();
    }

    public string Report(string site, DateTimeOffset from, DateTimeOffset to, string format)
    {
        var report = TestReport.Build(records.Tests, site, from, to, overdueAfter);
        return format == "html" ? report.ToHtml() : report.ToCsv();
    }

    /// <summary>One ticket as a line.</summary>
    public static string Line(Ticket ticket, TimeSpan? age = null)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var since = age is { } a ? string.Create(CultureInfo.InvariantCulture, $" age {(int)a.TotalHours}:{a:mm\\:ss}") : "";
        return string.Create(CultureInfo.InvariantCulture, $"#{ticket.Id} {Ticket.StateName(ticket.State),-12}{since} {ticket.GatewayKey} {ticket.Source} {ticket.Fault} \"{ticket.Location}\" discovered {WireTimestamp.Format(ticket.DiscoveredAt)}{By(" acknowledged by ", ticket.AcknowledgedBy)}{By(" rectified by ", ticket.RectifiedBy)}{By(" verified by ", ticket.VerifiedBy)}");
    }

    /// <summary>
    /// [FROM [TO]]: dates (<c>yyyy-MM-dd</c>, UTC midnight) or ISO timestamps; TO is exclusive and defaults to now (a date
    /// TO includes that day), FROM to the overdue period before TO.
    /// </summary>
    public bool Period(string[] words, out DateTimeOffset from, out DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(words);
        var parsedFrom = words.Length > 0 ? Time(words[0], endOfDay: false) : null;
        var parsedTo = words.Length > 1 ? Time(words[1], endOfDay: true) : null;
        to = parsedTo ?? time.GetUtcNow();
        from = parsedFrom ?? to - overdueAfter;
        return words.Length <= 2 && (words.Length < 1 || parsedFrom is not null) && (words.Length < 2 || parsedTo is not null) && from < to;
    }

    private static DateTimeOffset? Time(string word, bool endOfDay) =>
        DateOnly.TryParseExact(word, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(endOfDay ? 1 : 0)
            : DateTimeOffset.TryParse(word, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static bool Format(string[] rest, out string format, out string[] period)
    {
        format = rest.Length > 0 && rest[^1] is "csv" or "html" ? rest[^1] : "csv";
        period = rest.Length > 0 && rest[^1] is "csv" or "html" ? rest[..^1] : rest;
        return true;
    }

    private static long? Id(string word) => long.TryParse(word.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static string Changed(Ticket? ticket, string n, string otherwise) => ticket is null ? $"ticket {n} {otherwise}" : $"TICKET {Line(ticket)}";

    private static string By(string label, string? who) => who is null ? "" : label + who;
}
