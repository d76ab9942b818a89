using System.Security.Claims;
using EdgeGateway.Center.Storage;
using EdgeGateway.Center.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Center.Web;

/// <summary>
/// The tickets and test-report pages' data (only with <c>--db</c>): open tickets with their age, the operator's
/// acknowledge / rectify / close through <see cref="TicketService"/>, the ticket history and a school's test report as
/// CSV downloads, the report also as its HTML fragment. Periods are read as the console's <c>report</c> reads them.
/// </summary>
internal static class RecordEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tickets", (CenterRecords records) => Results.Json(records.Tickets.Open().Select(o => BoardTicket.Of(o.Ticket, o.Age)), BoardJson.Options)).RequireAuthorization();
        app.MapPost("/api/tickets/{id:long}/{action}", Change).RequireAuthorization();
        app.MapGet("/api/tickets.csv", (CenterRecords records, RecordCommands commands, string? from, string? to) =>
            commands.Period(Words(from, to), out var start, out var end)
                ? Download(records.Tickets.HistoryCsv(start, end), $"tickets-{Day(start)}-{Day(end)}.csv")
                : BadPeriod()).RequireAuthorization();
        app.MapGet("/api/report", (RecordCommands commands, string site, string? from, string? to) =>
            commands.Period(Words(from, to), out var start, out var end)
                ? Results.Text(commands.Report(site, start, end, "html"), "text/html; charset=utf-8")
                : BadPeriod()).RequireAuthorization();
        app.MapGet("/api/report.csv", (RecordCommands commands, string site, string? from, string? to) =>
            commands.Period(Words(from, to), out var start, out var end)
                ? Download(commands.Report(site, start, end, "csv"), $"tests-{site}-{Day(start)}-{Day(end)}.csv")
                : BadPeriod()).RequireAuthorization();
    }

    private static IResult Change(long id, string action, TicketNote? body, ClaimsPrincipal user, CenterRecords records, BoardFeed feed)
    {
        if (action is not ("ack" or "fix" or "close"))
        {
            return Results.NotFound();
        }

        var by = user.Identity?.Name ?? "";
        var note = string.IsNullOrWhiteSpace(body?.Note) ? null : body.Note.Trim();
        Ticket? changed = action switch
        {
            "ack" => records.Tickets.Acknowledge(id, by),
            // The service keeps what was done with the step; a button pressed without words says where it came from.
            "fix" => records.Tickets.Rectify(id, by, note ?? "rectified on the web board"),
            _ => records.Tickets.Verify(id, by, note),
        };
        if (changed is null)
        {
            // The step does not fit where the ticket is (or someone was first): the page shows it as it stands.
            return records.Tickets.Get(id) is { } ticket
                ? Results.Json(BoardTicket.Of(ticket, null), BoardJson.Options, statusCode: StatusCodes.Status409Conflict)
                : Results.NotFound();
        }

        feed.Changed();
        return Results.Json(BoardTicket.Of(changed, null), BoardJson.Options);
    }

    private static string[] Words(string? from, string? to) =>
        [.. new[] { from, to }.TakeWhile(w => !string.IsNullOrWhiteSpace(w)).Select(w => w!.Trim())];

    private static IResult Download(string csv, string name) =>
        Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", name);

    private static IResult BadPeriod() => Results.Problem("from and to: dates yyyy-MM-dd or ISO timestamps, from before to", statusCode: StatusCodes.Status400BadRequest);

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record TicketNote(string? Note);
}

/// <summary>A ticket as the board shows it; <see cref="AgeSeconds"/> is the server's, for open tickets.</summary>
internal sealed record BoardTicket(
    long Id, string Site, string Gateway, string Source, string Fault, string Location, string State, DateTimeOffset DiscoveredAt, long? AgeSeconds,
    string? AcknowledgedBy, string? RectifiedBy, string? VerifiedBy, string Notes)
{
    public static BoardTicket Of(Ticket t, TimeSpan? age) => new(
        t.Id, t.Site, t.GatewayKey, t.Source, t.Fault, t.Location, Ticket.StateName(t.State), t.DiscoveredAt, age is { } a ? (long)a.TotalSeconds : null,
        t.AcknowledgedBy, t.RectifiedBy, t.VerifiedBy, t.Notes);
}
