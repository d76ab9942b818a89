using System.CommandLine;
using EdgeGateway.Host;
using EdgeGateway.Host.Cli;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

var config = new Option<string>("--config", "-c") { Description = "Gateway configuration file (JSON)", DefaultValueFactory = _ => GatewayConfiguration.DefaultConfigFile };

var run = new Command("run", "Run the gateway (the default verb)") { config };
run.SetAction((parse, cancellationToken) => RunGatewayAsync(parse.GetValue(config)!, cancellationToken));

var checkConfig = new Command("check-config", "Validate a configuration file; names every bad key (exit 78)") { config };
checkConfig.SetAction(parse => CheckConfigCommand.Run(parse.GetValue(config)!, Console.Out, Console.Error));

var publish = new Option<bool>("--publish") { Description = "Also send the table to the center, retained, on …/commissioning (first boot, service stopped; exit bit 128 if it cannot)" };
var selftest = new Command("selftest", "Commissioning checks: config, pins, data directory, clock, broker, TLS + login, round trip (exit code: bitmask of failures)") { config, publish };
selftest.SetAction((parse, cancellationToken) => SelftestCommand.RunAsync(parse.GetValue(config)!, parse.GetValue(publish), Console.Out, cancellationToken));

var json = new Option<bool>("--json") { Description = "Print the raw JSON" };
var status = new Command("status", "State of the running service: connection, outbox depths, last center ack, loop health") { config, json };
status.SetAction((parse, cancellationToken) => StatusCommand.RunAsync(parse.GetValue(config)!, parse.GetValue(json), Console.Out, Console.Error, cancellationToken));

var report = new Option<string?>("--report") { Description = "Where to write the JSON report (default: walk-test-{site}-{gateway}-{time}.json here)" };
var minutes = new Option<double>("--minutes") { Description = "Time limit", DefaultValueFactory = _ => 60 };
var walkTest = new Command("walk-test", "Commissioning: every input live, marked proven when seen; events go out with \"test\": true (stop the service first)") { config, report, minutes };
walkTest.SetAction((parse, cancellationToken) => WalkTestCommand.RunAsync(
    parse.GetValue(config)!, parse.GetValue(report), TimeSpan.FromMinutes(parse.GetValue(minutes)), Console.Out, cancellationToken));

var simVerb = new Argument<string>("verb") { Description = "set or get" };
var simPin = new Argument<int>("pin") { Description = "BCM GPIO number" };
var simLevel = new Argument<string?>("level") { Description = "high or low (for set)", Arity = ArgumentArity.ZeroOrOne };
var sim = new Command("sim", "Drive the simulated GPIO of a running gateway: sim set 17 low | sim get 17") { config, simVerb, simPin, simLevel };
sim.SetAction((parse, cancellationToken) => SimCommand.RunAsync(
    parse.GetValue(config)!, parse.GetValue(simVerb)!, parse.GetValue(simPin), parse.GetValue(simLevel), Console.Out, Console.Error, cancellationToken));

var root = new RootCommand("edge-gateway: campus alarm gateway (GPIO → durable outbox → MQTT)") { config, run, checkConfig, selftest, status, walkTest, sim };
root.SetAction((parse, cancellationToken) => RunGatewayAsync(parse.GetValue(config)!, cancellationToken));
return await root.Parse(args).InvokeAsync();

static async Task<int> RunGatewayAsync(string configFile, CancellationToken cancellationToken)
{
    try
    {
        // Under systemd the root-only config arrives as the credential config.json (LoadCredential=): GatewayConfiguration.
        using var host = GatewayHost.Build(configFile);
        // The same check as check-config, before any service is built, so the installer reads the same message.
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        await host.RunAsync(cancellationToken);
        return 0;
    }
    catch (Exception ex) when (ConfigProblems.From(ex) is { } problems)
    {
        return ConfigProblems.Report(problems, Console.Error);
    }
}
