using System.CommandLine;
using EdgeGateway.Center;

var host = new Option<string>("--host") { Description = "Broker host", DefaultValueFactory = _ => "127.0.0.1" };
var port = new Option<int>("--port") { Description = "Broker port", DefaultValueFactory = _ => 1883 };
var group = new Option<string>("--group") { Description = "Shared-subscription group (instances in one group share the stream)", DefaultValueFactory = _ => "center" };
var autoAck = new Option<bool>("--auto-ack") { Description = "Acknowledge every alarm on arrival" };
var json = new Option<FileInfo?>("--json") { Description = "Also append every received message to this file as JSON lines" };

var root = new RootCommand("edge-center: the county center's console for EdgeGateway alarms")
{
    host, port, group, autoAck, json,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var options = new CenterOptions
    {
        Host = parse.GetValue(host)!,
        Port = parse.GetValue(port),
        Group = parse.GetValue(group)!,
        AutoAck = parse.GetValue(autoAck),
    };
    await using var jsonWriter = parse.GetValue(json) is { } file ? new StreamWriter(file.FullName, append: true) : null;
    await using var center = new CenterConsole(options, TimeProvider.System);
    _ = new CenterView(center, Console.Out, jsonWriter);
    await center.ConnectAsync(cancellationToken);
    Console.WriteLine($"[center] connected to {options.Host}:{options.Port}, group '{options.Group}'{(options.AutoAck ? ", auto-ack on" : "")}; Ctrl+C stops");
    try
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
    }
    catch (OperationCanceledException)
    {
    }

    return 0;
});
return await root.Parse(args).InvokeAsync();
