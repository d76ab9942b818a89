using EdgeGateway.Center.History;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Center.Web;

/// <summary>The alarm history, filtered by school, kind, state and time range, newest first.</summary>
internal static class HistoryEndpoints
{
    private const int MaxRows = 2000;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/history", (AlarmHistory history, string? site, string? kind, string? state, DateTimeOffset? from, DateTimeOffset? to, int? limit) =>
        {
            var query = new AlarmQuery(Blank(site), Blank(kind), Blank(state), from, to);
            var rows = history.Query(query, Math.Clamp(limit ?? 500, 1, MaxRows)).Select(BoardAlarm.Of);
            return Results.Json(rows, BoardJson.Options);
        }).RequireAuthorization();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
