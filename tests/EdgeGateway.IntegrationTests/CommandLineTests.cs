using System.Text.RegularExpressions;
using EdgeGateway.Demo;
using EdgeGateway.Host.Cli;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>What an installer sees from check-config and from run with a bad file, and what a newcomer sees from the demo.</summary>
public sealed partial class CommandLineTests
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
    public async Task Demo_OnePress_TellsTheStoryInLabelledLines_OneLatencyLine_LogInTheFile()
    {
        var output = new StringWriter();
        var logFile = Path.Combine(Directory.CreateTempSubdirectory("edge-demo-test-").FullName, "demo.log");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var exit = await DemoCommand.RunAsync(1, TimeSpan.Zero, TextWriter.Synchronized(output), TimeProvider.System, timeout.Token, logFile);

        var text = output.ToString();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, exit);
        Assert.All(lines, line => Assert.Matches(@"^\[(demo|guard|gateway|center|board)\] +\S", line));
        Assert.Contains($"[demo]    logs: {logFile}", text, StringComparison.Ordinal);
        Assert.Matches(@"^\[board\]   http://127\.0\.0\.1:\d+/  \(the center's web board: open it while the demo runs; sign in as demo, one-time password [A-Za-z0-9_=-]{16}\)$", Assert.Single(lines, l => l.StartsWith("[board]", StringComparison.Ordinal)));
        Assert.Contains("[center]  demo-school/gw1 is online", text, StringComparison.Ordinal);
        Assert.Contains("[guard]   round 1: presses the panic button in the main office (GPIO 17 → low)", text, StringComparison.Ordinal);
        Assert.Contains("[center]  ALARM: panic at \"Main office, building A\" (demo-school/gw1, input office-panic)", text, StringComparison.Ordinal);
        Assert.Contains("[center]  demo-operator acknowledges the alarm; the ack goes back to the gateway", text, StringComparison.Ordinal);
        Assert.Single(lines, l => l == "[gateway] status LED: waiting for center (fast blink)");
        Assert.Single(lines, l => l == "[gateway] status LED: acknowledged by the center (steady)");
        Assert.Contains("[guard]   sees the LED steady: help is coming", text, StringComparison.Ordinal);
        Assert.Matches(@"\[demo\]    round 1 latency: press → center \d+\.\d ms, press → center's ack back at the gateway \(LED steady\) \d+\.\d ms", Assert.Single(lines, l => l.Contains("latency", StringComparison.Ordinal)));
        Assert.Contains("[center]  event: door \"School gate\" opened", text, StringComparison.Ordinal);
        Assert.Contains("[center]  demo-school/gw1 went offline (shutdown)", text, StringComparison.Ordinal);
        Assert.Contains("info: EdgeGateway.Core.Outputs.StatusLed[1408] Status LED: acknowledged by the center (steady)", await File.ReadAllTextAsync(logFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_ServesTheWebBoard_SignInWithThePrintedPassword()
    {
        var output = new StringWriter();
        var logFile = Path.Combine(Directory.CreateTempSubdirectory("edge-demo-test-").FullName, "demo.log");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        // Until stopped: the board is read while the demo runs.
        var demo = DemoCommand.RunAsync(0, TimeSpan.FromSeconds(2), TextWriter.Synchronized(output), TimeProvider.System, stop.Token, logFile);
        await GatewayProcess.WaitUntilAsync(() => output.ToString().Contains("[center]  demo-school/gw1 is online", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var board = BoardLine().Match(output.ToString());
        Assert.True(board.Success, output.ToString());
        var address = new Uri(board.Groups["address"].Value);

        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() });
        using (var unsigned = await http.GetAsync(address))
        {
            Assert.EndsWith("/login", unsigned.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        }

        using var signIn = await http.PostAsync(new Uri(address, "login"), new FormUrlEncodedContent(new Dictionary<string, string> { ["operator"] = "demo", ["password"] = board.Groups["password"].Value }));
        Assert.Equal(System.Net.HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal("/", signIn.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("校园报警中心", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("\"gateway\":\"demo-school/gw1\"", await http.GetStringAsync(new Uri(address, "api/board")), StringComparison.Ordinal);

        await stop.CancelAsync();
        Assert.Equal(0, await demo);
    }

    [GeneratedRegex(@"\[board\]   (?<address>http://127\.0\.0\.1:\d+/) .* one-time password (?<password>\S+)\)")]
    private static partial Regex BoardLine();

    private static string WriteTemp(string json)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("edge-gateway-config-").FullName, "config.json");
        File.WriteAllText(file, json);
        return file;
    }
}
