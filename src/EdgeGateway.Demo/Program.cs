using System.CommandLine;
using EdgeGateway.Demo;

var presses = new Option<int>("--presses") { Description = "Stop after this many panic presses (0 = until Ctrl+C)", DefaultValueFactory = _ => 0 };
var interval = new Option<double>("--interval") { Description = "Seconds between presses", DefaultValueFactory = _ => 5 };
var root = new RootCommand("edge-demo: gateway + in-process broker + center view on this machine, simulated GPIO") { presses, interval };
root.SetAction((parse, cancellationToken) => DemoCommand.RunAsync(parse.GetValue(presses), TimeSpan.FromSeconds(parse.GetValue(interval)), Console.Out, TimeProvider.System, cancellationToken));
return await root.Parse(args).InvokeAsync();
