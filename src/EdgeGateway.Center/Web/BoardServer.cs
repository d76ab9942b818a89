using System.Net;
using EdgeGateway.Center.History;
using EdgeGateway.Center.Storage;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Center.Web;

/// <summary>
/// The web board: ASP.NET Core on Kestrel at <c>--http</c>, operators signed in by cookie against the password file,
/// the page and its scripts from the assembly (no CDN: the county's network is closed), live by Server-Sent Events.
/// Each page of the board maps its own endpoints (<see cref="BoardEndpoints"/>, <see cref="HistoryEndpoints"/>, …).
/// </summary>
public sealed class BoardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BoardServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where the board listens (the real port when <c>--http</c> gave 0), with the path base.</summary>
    public Uri Address { get; }

    /// <summary>
    /// Starts listening; throws <see cref="BoardStartException"/> naming <c>--http</c> when the address cannot be bound.
    /// With <paramref name="records"/> (<c>--db</c>) the board also has the tickets and test-report pages.
    /// </summary>
    public static async Task<BoardServer> StartAsync(BoardWebOptions options, CenterConsole center, TimeProvider time, CancellationToken cancellationToken, BoardRecords? records = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "edge-center", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        // The terminal view owns stdout; the server speaks only of trouble (a failed sign-in, a fault), on stderr.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter((category, level) => level >= LevelOf(category));
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(options.Endpoint));
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(center);
        builder.Services.AddSingleton(new OperatorPasswords(options.UsersFile));
        builder.Services.AddSingleton(services => new AlarmHistory(center, time));
        builder.Services.AddSingleton<BoardFeed>();
        if (records is not null)
        {
            builder.Services.AddSingleton(records.Records);
            // Only its period parsing and report are used here: the operator of a step is the signed-in one.
            builder.Services.AddSingleton(new RecordCommands(records.Records, time, records.OverdueAfter, operatorName: ""));
        }

        builder.Services.AddDataProtection();
        builder.Services.Configure<KeyManagementOptions>(keys => keys.XmlRepository = new InMemoryKeyRepository());
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "edge-board";
            cookie.Cookie.HttpOnly = true;
            // Strict: no other site can make a signed-in browser acknowledge an alarm.
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/login";
            cookie.Events.OnRedirectToLogin = context =>
            {
                // Scripts get a 401 to act on, people the sign-in page.
                if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }
                else
                {
                    context.Response.Redirect(context.RedirectUri);
                }

                return Task.CompletedTask;
            };
        });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedPrefix,
        };
        foreach (var proxy in options.KnownProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        app.UseForwardedHeaders(forwarded);
        if (options.PathBase.Length > 0)
        {
            app.UsePathBase(options.PathBase);
        }

        app.UseAuthentication();
        app.UseAuthorization();
        AssetEndpoints.Map(app);
        SignInEndpoints.Map(app);
        BoardEndpoints.Map(app);
        HistoryEndpoints.Map(app);
        // The history subscribes to the console when made: make it before the first alarm can arrive.
        app.Services.GetRequiredService<AlarmHistory>();
        var feed = app.Services.GetRequiredService<BoardFeed>();
        if (records is not null)
        {
            RecordEndpoints.Map(app);
            records.Records.TicketChanged += _ => feed.Changed();
        }

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new BoardStartException($"--http {options.Http}: cannot listen there: {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BoardServer(app, new Uri(bound.TrimEnd('/') + options.PathBase + "/"));
    }

    /// <summary>Ours from information up; the framework's from warnings, but the key manager's "not encrypted at rest" ones (its keys are never at rest) and the host's start failure.</summary>
    private static LogLevel LevelOf(string? category) => category switch
    {
        not null when category.StartsWith("EdgeGateway", StringComparison.Ordinal) => LogLevel.Information,
        not null when category.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) => LogLevel.Error,
        // A bind failure: edge-center says it in one line naming --http (BoardStartException), not as a stack trace.
        "Microsoft.Extensions.Hosting.Internal.Host" => LogLevel.None,
        _ => LogLevel.Warning,
    };

    public async ValueTask DisposeAsync()
    {
        // Open pages hold their event streams; they are cut after this.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5), _app.Services.GetRequiredService<TimeProvider>());
        await _app.StopAsync(deadline.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>The center's records (<c>--db</c>) for the board's tickets and test-report pages; <c>--overdue-days</c> as <see cref="OverdueAfter"/>.</summary>
public sealed record BoardRecords(CenterRecords Records, TimeSpan OverdueAfter);

/// <summary>The board could not start: the message names the option.</summary>
public sealed class BoardStartException(string message, Exception inner) : Exception(message, inner);
