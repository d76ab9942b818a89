using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>Temp folders and the path of the edge-gateway entry assembly built next to the tests.</summary>
public static class Gateway
{
    /// <summary>
    /// The gateway as its own project built it (<c>src/EdgeGateway.Host/bin/…</c>), not the copy next to the tests: this
    /// project also runs the center, whose ASP.NET Core framework takes the place of the Microsoft.Extensions packages
    /// here, and the gateway, an app of the base framework only, would not find them.
    /// </summary>
    public static string EntryAssembly { get; } = Path.Combine(
        ContractSchemas.RepositoryRoot, "src", "EdgeGateway.Host",
        Path.GetRelativePath(Path.Combine(ContractSchemas.RepositoryRoot, "tests", "EdgeGateway.IntegrationTests"), AppContext.BaseDirectory),
        "edge-gateway.dll");

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
