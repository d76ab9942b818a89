using System.Collections.Concurrent;
using Xunit;

namespace EdgeGateway.TestKit;

/// <summary>
/// Collects messages seen on a broker and checks them against the contract's schemas (<see cref="ContractSchemas"/>).
/// <see cref="AssertNoViolations"/> fails the test with every violation; the owners call it on dispose, so no test can
/// produce an off-contract message and pass. Checking waits until then, to keep schema evaluation off MQTTnet's
/// receive thread and out of the tests' latency figures.
/// </summary>
public sealed class ContractMonitor
{
    private readonly ConcurrentQueue<(string Topic, string Payload, bool IsResponse)> _seen = new();
    private readonly ConcurrentDictionary<string, byte> _foreignTopics = new(StringComparer.Ordinal);

    /// <summary>Messages on this exact topic are the test's own (for example a forged publish), not the gateway's: not checked.</summary>
    public void NotFromGateway(string topic) => _foreignTopics.TryAdd(topic, 0);

    /// <summary>Records one message. <paramref name="isResponse"/>: it carries MQTT 5 correlation data (a command result on a response topic).</summary>
    public void Observe(string topic, string payload, bool isResponse) => _seen.Enqueue((topic, payload, isResponse));

    /// <summary>Checks every message recorded so far.</summary>
    /// <returns>One violation per message that broke the contract (topic, errors, payload), and how many messages were checked against a schema.</returns>
    public (IReadOnlyList<string> Violations, int Checked) Check()
    {
        var violations = new List<string>();
        var checkedCount = 0;
        foreach (var (topic, payload, isResponse) in _seen)
        {
            if (_foreignTopics.ContainsKey(topic) || SchemaRefFor(topic, isResponse) is not { } schemaRef)
            {
                continue;
            }

            checkedCount++;
            if (schemaRef.Length == 0)
            {
                violations.Add($"{topic}: no schema for this topic; payload {payload}");
                continue;
            }

            if (ContractSchemas.Instance.Validate(schemaRef, payload) is { Count: > 0 } errors)
            {
                violations.Add($"{topic} ({schemaRef}): {string.Join("; ", errors)}; payload {payload}");
            }
        }

        return (violations, checkedCount);
    }

    /// <summary>Throws (failing the test) if any message broke the contract.</summary>
    public void AssertNoViolations()
    {
        var (violations, _) = Check();
        if (violations.Count > 0)
        {
            Assert.Fail($"{violations.Count} message(s) off the contract (docs/schemas):{Environment.NewLine}{string.Join(Environment.NewLine, violations)}");
        }
    }

    /// <summary>The schema to check against; null to skip (not ours, or the center's own message); empty: ours, but no schema.</summary>
    private static string? SchemaRefFor(string topic, bool isResponse)
    {
        var leaf = ContractSchemas.LeafOf(topic);
        if (leaf is not null && ContractSchemas.NotOurs.Contains(leaf))
        {
            return null;
        }

        if (leaf is not null && ContractSchemas.ForLeaf(leaf) is { } contract)
        {
            // The center's messages (ack, cmd) are what the test sends, on purpose malformed at times.
            return contract.Direction == ContractDirection.GatewayToCenter ? contract.SchemaRef : null;
        }

        if (isResponse)
        {
            return ContractSchemas.ResponseSchemaRef;
        }

        return leaf is null ? null : "";
    }
}
