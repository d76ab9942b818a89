using System.Security.Claims;
using EdgeGateway.Center.History;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Center.Web;

/// <summary>The board page's data: the snapshot, its live stream (Server-Sent Events) and the acknowledge button.</summary>
internal static class BoardEndpoints
{
    /// <summary>A comment line this often keeps proxies and the browser from taking a quiet stream for a dead one.</summary>
    private static readonly TimeSpan s_heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>A page that takes no bytes this long is dropped (its browser reconnects by itself).</summary>
    private static readonly TimeSpan s_writeDeadline = TimeSpan.FromSeconds(10);

    private static readonly byte[] s_keepalive = ": keepalive\n\n"u8.ToArray();

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/board", (BoardFeed feed) => Results.Bytes(feed.Snapshot(), "application/json")).RequireAuthorization();
        app.MapGet("/api/events", StreamAsync).RequireAuthorization();
        app.MapPost("/api/ack", AcknowledgeAsync).RequireAuthorization();
    }

    private static async Task StreamAsync(HttpContext context, BoardFeed feed, TimeProvider time)
    {
        var aborted = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        // nginx buffers responses unless told not to: the county's proxy would hold the alarms back.
        context.Response.Headers["X-Accel-Buffering"] = "no";
        using var subscription = feed.Subscribe();
        try
        {
            await WriteAsync(context, Event(feed.Snapshot()), time);
            while (!aborted.IsCancellationRequested)
            {
                using var quiet = new CancellationTokenSource(s_heartbeat, time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted, quiet.Token);
                bool changed;
                try
                {
                    changed = await subscription.Changes.WaitToReadAsync(wait.Token) && subscription.Changes.TryRead(out _);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    changed = false;
                }

                await WriteAsync(context, changed ? Event(feed.Snapshot()) : s_keepalive, time);
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed, or did not take its bytes within the deadline.
        }
    }

    private static byte[] Event(byte[] json)
    {
        var head = "event: board\ndata: "u8;
        var message = new byte[head.Length + json.Length + 2];
        head.CopyTo(message);
        json.CopyTo(message, head.Length);
        message[^2] = (byte)'\n';
        message[^1] = (byte)'\n';
        return message;
    }

    private static async Task WriteAsync(HttpContext context, byte[] bytes, TimeProvider time)
    {
        using var deadline = new CancellationTokenSource(s_writeDeadline, time);
        using var token = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline.Token);
        await context.Response.Body.WriteAsync(bytes, token.Token);
        await context.Response.Body.FlushAsync(token.Token);
    }

    private static async Task<IResult> AcknowledgeAsync(AckRequest request, ClaimsPrincipal user, CenterConsole center, AlarmHistory history, HttpContext context)
    {
        var by = user.Identity?.Name ?? "";
        if (history.Find(request.Id) is { AckedBy: { } already })
        {
            return Results.Json(new { id = request.Id, ackedBy = already }, BoardJson.Options, statusCode: StatusCodes.Status409Conflict);
        }

        try
        {
            // The publish has the console's own PUBACK deadline (--connect-timeout).
            return await center.AcknowledgeAsync(request.Id, by, context.RequestAborted) is { } alarm
                ? Results.Json(new { id = alarm.Id, ackedBy = by }, BoardJson.Options)
                : Results.NotFound();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not connected, or no PUBACK within the deadline: the operator sees it and presses again.
            return Results.Problem($"the ack could not be sent: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private sealed record AckRequest(string Id);
}
