using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>Temp folders and the path of the edge-gateway entry assembly built next to the tests.</summary>
public static class Gateway
{
    public static string EntryAssembly => Path.Combine(AppContext.BaseDirectory, "edge-gateway.dll");

    public static GatewayProcess Create(int brokerPort, IEnumerable<object> inputs, int keepAliveSeconds = 10)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("edge-gateway-test-").FullName;
        return new GatewayProcess(directory, GatewayProcess.SimulatedConfig(directory, brokerPort, inputs, keepAliveSeconds), EntryAssembly);
    }

    // MaxActivations 0: scripted presses come far faster than any person's, so swinger shutdown (tested in Core) is off.
    public static object Input(string id, int pin, string kind, string contact = "NO", bool? latch = null, string location = "") =>
        latch is null
            ? new { Id = id, Pin = pin, Kind = kind, Contact = contact, Pull = "up", DebounceMs = 20, MaxActivations = 0, Location = location }
            : new { Id = id, Pin = pin, Kind = kind, Contact = contact, Pull = "up", DebounceMs = 20, MaxActivations = 0, Latch = latch.Value, Location = location };
}
