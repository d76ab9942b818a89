using System.CommandLine;
using EdgeGateway.Center;

var host = new Option<string>("--host") { Description = "Broker host", DefaultValueFactory = _ => "127.0.0.1" };
var port = new Option<int>("--port") { Description = "Broker port", DefaultValueFactory = _ => 1883 };
var group = new Option<string>("--group") { Description = "Shared-subscription group (instances in one group share the stream)", DefaultValueFactory = _ => "center" };
var autoAck = new Option<bool>("--auto-ack") { Description = "Acknowledge every alarm on arrival" };
var operatorName = new Option<string>("--operator") { Description = "Who the acks say acknowledged the alarm", DefaultValueFactory = _ => "edge-center" };
var json = new Option<FileInfo?>("--json") { Description = "Also append every message received or sent to this file as JSON lines" };
var clientId = new Option<string?>("--client-id") { Description = "MQTT client id; give a stable one with --session-expiry" };
var sessionExpiry = new Option<uint>("--session-expiry") { Description = "Seconds the broker keeps this console's session and queue while it is away (0: clean session)", DefaultValueFactory = _ => 0 };
var boardSeconds = new Option<int>("--board-seconds") { Description = "Print the board every N seconds (0: only on 'board')", DefaultValueFactory = _ => 0 };

var root = new RootCommand("edge-center: the county center's console for EdgeGateway alarms (type 'help' for commands)")
{
    host, port, group, autoAck, operatorName, json, boardSeconds, clientId, sessionExpiry,
};
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
    };
    if (parse.GetValue(clientId) is { Length: > 0 } id)
    {
        options.ClientId = id;
    }

    var time = TimeProvider.System;
    await using var jsonWriter = parse.GetValue(json) is { } file ? new StreamWriter(file.FullName, append: true) : null;
    await using var center = new CenterConsole(options, time);
    var view = new CenterView(center, Console.Out, time, jsonWriter);
    await center.ConnectAsync(cancellationToken);
    view.Write($"connected to {options.Host}:{options.Port} as {options.ClientId}, group '{options.Group}'{(center.SharedSubscription ? "" : " (broker without shared subscriptions: this console takes the whole stream)")}{(options.AutoAck ? ", auto-ack on" : "")}; type 'help'");
    var every = TimeSpan.FromSeconds(parse.GetValue(boardSeconds));
    using var boardTimer = every > TimeSpan.Zero ? time.CreateTimer(_ => view.WriteBoard(), null, every, every) : null;
    try
    {
        if (!await new OperatorConsole(center, view).RunAsync(Console.In, cancellationToken))
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
