using EdgeGateway.Demo;
using EdgeGateway.Host.Cli;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>What an installer sees from check-config and from run with a bad file, and what a newcomer sees from the demo.</summary>
public sealed class CommandLineTests
{
    private const string BadConfig = """
        {
          "Gateway": { "SiteId": "Bad Site", "GatewayId": "", "DataDirectory": "/tmp/x" },
          "Mqtt": { "Host": "center.example.org", "Port": 70000, "UseTls": false },
          "Gpio": { "Driver": "simulated" },
          "Inputs": [
            { "Id": "office-panic", "Pin": 17, "Kind": "panic" },
            { "Id": "gate", "Pin": 17, "Kind": "door" },
            { "Id": "far", "Pin": 40, "Kind": "door" }
          ]
        }
        """;

    [Fact]
    public void CheckConfig_BadFile_NamesEveryBadKey_Exit78()
    {
        var file = WriteTemp(BadConfig);
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = CheckConfigCommand.Run(file, output, error);

        Assert.Equal(78, exit);
        var text = error.ToString();
        Assert.Contains("Gateway:SiteId", text, StringComparison.Ordinal);
        Assert.Contains("Gateway:GatewayId: is required", text, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Port", text, StringComparison.Ordinal);
        Assert.Contains("Mqtt:UseTls", text, StringComparison.Ordinal);
        Assert.Contains("Inputs:1:Pin: GPIO 17 of input 'gate' is already used by input 'office-panic' (Inputs:0)", text, StringComparison.Ordinal);
        Assert.Contains("Inputs:2:Pin", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfig_UnknownKind_NamesTheKey()
    {
        var file = WriteTemp("""
            {
              "Gateway": { "SiteId": "s1", "GatewayId": "gw1", "DataDirectory": "/tmp/x" },
              "Mqtt": { "Host": "127.0.0.1", "UseTls": false },
              "Gpio": { "Driver": "simulated" },
              "Inputs": [ { "Id": "a", "Pin": 17, "Kind": "panic" }, { "Id": "b", "Pin": 18, "Kind": "door" }, { "Id": "c", "Pin": 21, "Kind": "doorbell" } ]
            }
            """);
        var error = new StringWriter();

        var exit = CheckConfigCommand.Run(file, new StringWriter(), error);

        Assert.Equal(78, exit);
        Assert.Contains("Inputs:2:Kind", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadConfig_RefusesToStart_WithTheSameMessage_Exit78()
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-badconfig-").FullName;
        var file = Path.Combine(directory, "bad.json");
        await File.WriteAllTextAsync(file, BadConfig);
        await using var gateway = new GatewayProcess(directory, new { }, Gateway.EntryAssembly);

        await gateway.StartAsync(["run", "--config", file], waitForSocket: false);
        var exit = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(78, exit);
        Assert.Contains("Inputs:1:Pin: GPIO 17 of input 'gate' is already used by input 'office-panic' (Inputs:0)", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_OnePress_ShowsAlarmAtCenter_AndTheAckBackAtTheGateway()
    {
        var output = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var exit = await DemoCommand.RunAsync(1, TimeSpan.Zero, TextWriter.Synchronized(output), TimeProvider.System, timeout.Token);

        var text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("[center] ALARM  demo-school/gw1 office-panic panic active", text, StringComparison.Ordinal);
        Assert.Contains("[center] ACK", text, StringComparison.Ordinal);
        Assert.Contains("[guard]  center acknowledged the alarm", text, StringComparison.Ordinal);
        Assert.Contains("[center] EVENT  demo-school/gw1 gate-door door active", text, StringComparison.Ordinal);
        Assert.Contains("[gateway] status LED: waiting for center (fast blink)", text, StringComparison.Ordinal);
        Assert.Contains("[gateway] status LED: acknowledged by the center (steady)", text, StringComparison.Ordinal);
        Assert.Contains("[center] STATUS demo-school/gw1 OFFLINE (shutdown)", text, StringComparison.Ordinal);
    }

    private static string WriteTemp(string json)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("edge-gateway-config-").FullName, "config.json");
        File.WriteAllText(file, json);
        return file;
    }
}
