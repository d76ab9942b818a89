using System.CommandLine;

namespace EdgeGateway.Center.Storage;

/// <summary>
/// <c>edge-center report --db F --site S [--from D] [--to D] [--format csv|html]</c> and <c>edge-center tickets --db F
/// [--format text|csv]</c>: the records read from the database file, without a broker (beside a running console too:
/// the file is in WAL mode).
/// </summary>
public static class RecordVerbs
{
    /// <summary>Exit code of a database that does not exist or a period that does not parse (EX_USAGE).</summary>
    public const int UsageError = 64;

    public static Option<FileInfo?> DbOption() => new("--db") { Description = "SQLite file of the fault tickets and button-test records (created if missing)" };

    public static Option<int> OverdueDaysOption() => new("--overdue-days") { Description = "An input not proven by a test for this many days is overdue in the test report", DefaultValueFactory = _ => 90 };

    public static IEnumerable<Command> Create()
    {
        var db = DbOption();
        db.Required = true;
        var overdue = OverdueDaysOption();
        var site = new Option<string>("--site") { Description = "The school (site id)", Required = true };
        var from = new Option<string?>("--from") { Description = "Start of the period (yyyy-MM-dd or ISO timestamp, UTC); default: the overdue period before --to" };
        var to = new Option<string?>("--to") { Description = "End of the period, exclusive (a date includes that day); default: now" };
        var reportFormat = new Option<string>("--format") { Description = "csv or html (a fragment for the web board)", DefaultValueFactory = _ => "csv" };
        reportFormat.AcceptOnlyFromAmong("csv", "html");
        var report = new Command("report", "Print the button-test report of one school: inputs proven, inputs overdue, median and worst round trip") { db, site, from, to, reportFormat, overdue };
        report.SetAction(parse => Run(parse.GetValue(db)!, parse.GetValue(overdue), commands =>
            commands.Period([.. new[] { parse.GetValue(from), parse.GetValue(to) }.TakeWhile(w => w is not null).Select(w => w!)], out var start, out var end)
                ? commands.Report(parse.GetValue(site)!, start, end, parse.GetValue(reportFormat)!)
                : null));

        var ticketsFormat = new Option<string>("--format") { Description = "text (open tickets with their age) or csv (the whole history)", DefaultValueFactory = _ => "text" };
        ticketsFormat.AcceptOnlyFromAmong("text", "csv");
        var tickets = new Command("tickets", "Print the open fault tickets, or the ticket history as CSV") { db, ticketsFormat, overdue };
        tickets.SetAction(parse => Run(parse.GetValue(db)!, parse.GetValue(overdue), commands =>
            parse.GetValue(ticketsFormat) == "csv" ? commands.Execute(["tickets", "csv", "1970-01-01", "9999-12-30"]) : commands.OpenTickets()));
        return [report, tickets];
    }

    private static int Run(FileInfo file, int overdueDays, Func<RecordCommands, string?> query)
    {
        if (!file.Exists)
        {
            Console.Error.WriteLine($"edge-center: --db {file.FullName} does not exist");
            return UsageError;
        }

        using var records = new CenterRecords(new CenterDatabase(file.FullName), TimeProvider.System, "edge-center");
        if (query(new RecordCommands(records, TimeProvider.System, TimeSpan.FromDays(overdueDays), "edge-center")) is not { } text)
        {
            Console.Error.WriteLine("edge-center: --from/--to must be yyyy-MM-dd or ISO timestamps, --from before --to");
            return UsageError;
        }

        Console.Out.WriteLine(text.TrimEnd().ReplaceLineEndings());
        return 0;
    }
}
