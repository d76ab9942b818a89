using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Center.Web;

/// <summary>Sign-in against the password file, sign-out, and who is signed in.</summary>
internal static partial class SignInEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/login", SignInAsync);
        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect($"{context.Request.PathBase}/login");
        });
        app.MapGet("/api/session", (ClaimsPrincipal user) => Results.Json(new { @operator = user.Identity?.Name }, BoardJson.Options)).RequireAuthorization();
    }

    private static async Task<IResult> SignInAsync(HttpContext context, OperatorPasswords passwords, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("EdgeGateway.Center.Web.SignIn");
        if (!context.Request.HasFormContentType)
        {
            return Results.BadRequest();
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var name = form["operator"].ToString().Trim();
        var password = form["password"].ToString();
        if (name.Length == 0 || password.Length == 0 || !passwords.Verify(name, password))
        {
            LogSignInRefused(logger, name, context.Connection.RemoteIpAddress?.ToString() ?? "?");
            return Results.Redirect($"{context.Request.PathBase}/login?failed=1");
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        LogSignedIn(logger, name, context.Connection.RemoteIpAddress?.ToString() ?? "?");
        return Results.Redirect($"{context.Request.PathBase}/");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "web board: sign-in refused for '{Operator}' from {Remote}")]
    private static partial void LogSignInRefused(ILogger logger, string @operator, string remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "web board: '{Operator}' signed in from {Remote}")]
    private static partial void LogSignedIn(ILogger logger, string @operator, string remote);
}
