using System.CommandLine;
using EdgeGateway.Center;
using EdgeGateway.Center.Metrics;
using EdgeGateway.Center.Storage;
using EdgeGateway.Center.Web;

var host = new Option<string>("--host") { Description = "Broker host", DefaultValueFactory = _ => "127.0.0.1" };
var port = new Option<int>("--port") { Description = "Broker port", DefaultValueFactory = _ => 1883 };
var group = new Option<string>("--group") { Description = "Shared-subscription group (instances in one group share the stream)", DefaultValueFactory = _ => "center" };
var autoAck = new Option<bool>("--auto-ack") { Description = "Acknowledge every alarm on arrival" };
var operatorName = new Option<string>("--operator") { Description = "Who the acks say acknowledged the alarm", DefaultValueFactory = _ => "edge-center" };
var json = new Option<FileInfo?>("--json") { Description = "Also append every message received or sent to this file as JSON lines" };
var clientId = new Option<string?>("--client-id") { Description = "MQTT client id; give a stable one with --session-expiry" };
var sessionExpiry = new Option<uint>("--session-expiry") { Description = "Seconds the broker keeps this console's session and queue while it is away (0: clean session)", DefaultValueFactory = _ => 3600 };
var tls = new Option<bool>("--tls") { Description = "TLS 1.2+ (implied by --ca-file and --client-cert)" };
var caFile = new Option<string>("--ca-file") { Description = "PEM CA the broker must chain to (pinned, not the system store)", DefaultValueFactory = _ => "" };
var clientCert = new Option<string>("--client-cert") { Description = "PEM client certificate (mutual TLS)", DefaultValueFactory = _ => "" };
var clientKey = new Option<string>("--client-key") { Description = "Unencrypted PEM key of --client-cert", DefaultValueFactory = _ => "" };
var credentialsFile = new Option<string>("--credentials-file") { Description = "File with username=... and password=... lines (never on the command line)", DefaultValueFactory = _ => "" };
var keepAlive = new Option<ushort>("--keepalive") { Description = "MQTT keepalive in seconds", DefaultValueFactory = _ => 10 };
var connectTimeout = new Option<int>("--connect-timeout") { Description = "Deadline in seconds of one connect attempt (TCP, TLS, CONNACK, SUBACK) and of a PUBACK", DefaultValueFactory = _ => 10 };
var reconnectDelay = new Option<int>("--reconnect-delay-ms") { Description = "First reconnect wait; doubles per failure, jittered", DefaultValueFactory = _ => 1000 };
var reconnectMax = new Option<int>("--reconnect-max-seconds") { Description = "Longest reconnect wait", DefaultValueFactory = _ => 30 };
var metrics = new Option<string?>("--metrics") { Description = "Serve Prometheus metrics on http://ADDRESS:PORT/metrics (e.g. 127.0.0.1:9465)" };
var db = RecordVerbs.DbOption();
var overdueDays = RecordVerbs.OverdueDaysOption();
var reportingSeconds = new Option<int>("--reporting-seconds") { Description = "Supervision: a gateway not heard this long (and not shut down) is silent, an alarm", DefaultValueFactory = _ => 180 };
var http = new Option<string>("--http") { Description = "Serve the web board at ADDRESS:PORT (e.g. 0.0.0.0:8080)", DefaultValueFactory = _ => "" };
var httpUsers = new Option<string>("--http-users") { Description = "The board's operators and password hashes (edge-center passwd)", DefaultValueFactory = _ => "" };
var httpPathBase = new Option<string>("--http-path-base") { Description = "Path the reverse proxy serves the board under, e.g. /board", DefaultValueFactory = _ => "" };
var httpKnownProxy = new Option<string[]>("--http-known-proxy") { Description = "A reverse proxy (IP) whose X-Forwarded-* headers are believed, besides loopback", DefaultValueFactory = _ => [] };
var boardSeconds = new Option<int>("--board-seconds") { Description = "Print the board every N seconds (0: only on 'board')", DefaultValueFactory = _ => 0 };

var root = new RootCommand("edge-center: the county center's console for EdgeGateway alarms (type 'help' for commands)")
{
    host, port, group, autoAck, operatorName, json, boardSeconds, reportingSeconds, clientId, sessionExpiry, metrics,
    tls, caFile, clientCert, clientKey, credentialsFile, keepAlive, connectTimeout, reconnectDelay, reconnectMax, db, overdueDays,
    http, httpUsers, httpPathBase, httpKnownProxy, PasswdCommand.Create(),
};
foreach (var verb in RecordVerbs.Create())
{
    root.Subcommands.Add(verb);
}

root.SetAction(async (parse, cancellationToken) =>
{
    var options = new CenterOptions
    {
        Host = parse.GetValue(host)!,
        Port = parse.GetValue(port),
        Group = parse.GetValue(group)!,
        AutoAck = parse.GetValue(autoAck),
        Operator = parse.GetValue(operatorName)!,
        SessionExpirySeconds = parse.GetValue(sessionExpiry),
        UseTls = parse.GetValue(tls),
        CaFile = parse.GetValue(caFile)!,
        ClientCertFile = parse.GetValue(clientCert)!,
        ClientKeyFile = parse.GetValue(clientKey)!,
        CredentialsFile = parse.GetValue(credentialsFile)!,
        KeepAliveSeconds = parse.GetValue(keepAlive),
        ConnectTimeoutSeconds = parse.GetValue(connectTimeout),
        ReconnectDelayMs = parse.GetValue(reconnectDelay),
        ReconnectMaxDelaySeconds = parse.GetValue(reconnectMax),
        ReportingSeconds = parse.GetValue(reportingSeconds),
    };
    var web = new BoardWebOptions { Http = parse.GetValue(http)!, UsersFile = parse.GetValue(httpUsers)!, PathBase = parse.GetValue(httpPathBase)!, KnownProxies = parse.GetValue(httpKnownProxy)! };
    var problems = CenterOptionsCheck.Problems(options).Concat(web.Problems()).ToList();
    var metricsEndpoint = parse.GetValue(metrics) is { } listen ? CenterMetrics.ParseEndpoint(listen, problems) : null;
    if (problems.Count > 0)
    {
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"edge-center: {problem}");
        }

        return 78;
    }
    if (parse.GetValue(clientId) is { Length: > 0 } id)
    {
        options.ClientId = id;
    }

    var time = TimeProvider.System;
    await using var jsonWriter = parse.GetValue(json) is { } file ? new StreamWriter(file.FullName, append: true) : null;
    await using var center = new CenterConsole(options, time);
    var view = new CenterView(center, Console.Out, time, jsonWriter);
    using var centerMetrics = new CenterMetrics(center, time);
    if (metricsEndpoint is not null)
    {
        // Not in the alarm path: a port taken is reported and the console runs on.
        view.Write(centerMetrics.Start(metricsEndpoint, out var why) ? $"metrics on {centerMetrics.Url}" : why);
    }
    using var records = parse.GetValue(db) is { } dbFile ? new CenterRecords(new CenterDatabase(dbFile.FullName), time, options.Operator) : null;
    records?.Attach(center);
    view.Show(records);
    var security = options.UseTls || options.CaFile.Length > 0 || options.ClientCertFile.Length > 0 ? "TLS 1.2+" : "plaintext";
    center.ConnectFailed += (why, retryIn) => view.Write($"cannot connect to {options.Host}:{options.Port}: {why}; next attempt in {retryIn.TotalSeconds:0.0} s");
    center.ConnectionLost += why => view.Write($"connection to {options.Host}:{options.Port} lost: {why}; reconnecting");
    var reconnect = false;
    center.Connected += () =>
    {
        if (reconnect)
        {
            view.Write($"reconnected to {options.Host}:{options.Port} ({security}), subscribed again");
        }

        reconnect = true;
    };
    await using var board = web.Enabled ? await StartBoardAsync(web, center, time, view, records is null ? null : new BoardRecords(records, TimeSpan.FromDays(parse.GetValue(overdueDays))), cancellationToken) : null;
    if (web.Enabled && board is null)
    {
        return 78;
    }

    view.Write($"connecting to {options.Host}:{options.Port} ({security}{(options.CredentialsFile.Length > 0 ? ", login from " + options.CredentialsFile : "")}) as {options.ClientId}");
    try
    {
        await center.ConnectAsync(cancellationToken);
    }
    catch (OperationCanceledException)
    {
        return 0;
    }

    view.Write($"connected to {options.Host}:{options.Port} as {options.ClientId}, group '{options.Group}'{(center.SharedSubscription ? "" : " (broker without shared subscriptions: this console takes the whole stream)")}{(options.AutoAck ? ", auto-ack on" : "")}; type 'help'");
    var every = TimeSpan.FromSeconds(parse.GetValue(boardSeconds));
    using var boardTimer = every > TimeSpan.Zero ? time.CreateTimer(_ => view.WriteBoard(), null, every, every) : null;
    try
    {
        if (!await new OperatorConsole(center, view, records is null ? null : new RecordCommands(records, time, TimeSpan.FromDays(parse.GetValue(overdueDays)), options.Operator)).RunAsync(Console.In, cancellationToken))
        {
            // No terminal (stdin closed, as under systemd): keep receiving until stopped.
            await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
        }
    }
    catch (OperationCanceledException)
    {
    }

    return 0;
});
return await root.Parse(args).InvokeAsync();

static async Task<BoardServer?> StartBoardAsync(BoardWebOptions web, CenterConsole center, TimeProvider time, CenterView view, BoardRecords? records, CancellationToken cancellationToken)
{
    try
    {
        var board = await BoardServer.StartAsync(web, center, time, cancellationToken, records);
        view.Write($"web board at {board.Address} (operators from {web.UsersFile})");
        return board;
    }
    catch (BoardStartException ex)
    {
        Console.Error.WriteLine($"edge-center: {ex.Message}");
        return null;
    }
}
