using System.Text.Json;
using EdgeGateway.Core.Uplink;
using Json.Schema;

namespace EdgeGateway.TestKit;

/// <summary>Who publishes on a topic of the contract.</summary>
public enum ContractDirection
{
    GatewayToCenter,
    CenterToGateway,
}

/// <summary>The schema of one topic leaf under <c>campus/v1/{site}/{gateway}/</c>, relative to docs/schemas.</summary>
public sealed record TopicContract(string Leaf, string SchemaRef, ContractDirection Direction);

/// <summary>
/// The JSON Schemas of docs/schemas (the MQTT contract, v1) and the topic each applies to. docs/asyncapi.yaml names the
/// same topic-to-schema pairs; ContractDocumentTests holds the two together.
/// </summary>
public sealed class ContractSchemas
{
    /// <summary>The <c>$id</c> prefix of every schema in docs/schemas.</summary>
    public const string BaseUri = "https://edge-gateway.example/schemas/v1/";

    /// <summary>Topic leaves that are not the contract's, skipped by rule: the selftest's and the failback probe's throwaway messages.</summary>
    public static readonly IReadOnlySet<string> NotOurs = new HashSet<string>(StringComparer.Ordinal) { "selftest", "probe" };

    private static readonly Lazy<ContractSchemas> s_instance = new(() => new ContractSchemas(Path.Combine(FindRepositoryRoot(), "docs", "schemas")));

    private static readonly EvaluationOptions s_evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly BuildOptions _build = new() { SchemaRegistry = new SchemaRegistry() };
    private readonly Dictionary<string, JsonSchema> _byRef = new(StringComparer.Ordinal);

    private ContractSchemas(string directory)
    {
        Directory = directory;
        foreach (var file in System.IO.Directory.GetFiles(directory, "*.schema.json").Order(StringComparer.Ordinal))
        {
            JsonSchema.FromText(File.ReadAllText(file), _build);
        }
    }

    /// <summary>The schemas of the repository this test runs from.</summary>
    public static ContractSchemas Instance => s_instance.Value;

    /// <summary>Every topic leaf of <see cref="TopicScheme"/> with its schema.</summary>
    public static IReadOnlyList<TopicContract> Topics { get; } =
    [
        new(TopicScheme.AlarmLeaf, "event.schema.json#/$defs/alarm", ContractDirection.GatewayToCenter),
        new(TopicScheme.EventLeaf, "event.schema.json#/$defs/event", ContractDirection.GatewayToCenter),
        new(TopicScheme.TelemetryLeaf, "telemetry.schema.json", ContractDirection.GatewayToCenter),
        new("status", "status.schema.json", ContractDirection.GatewayToCenter),
        new("health", "health.schema.json", ContractDirection.GatewayToCenter),
        new("commissioning", "commissioning.schema.json", ContractDirection.GatewayToCenter),
        new("cmd/result", "cmd-result.schema.json", ContractDirection.GatewayToCenter),
        new("ack", "ack.schema.json", ContractDirection.CenterToGateway),
        new("cmd", "cmd.schema.json", ContractDirection.CenterToGateway),
    ];

    /// <summary>The schema of a command result published on the MQTT 5 response topic the command named.</summary>
    public static string ResponseSchemaRef => "cmd-result.schema.json";

    /// <summary>The repository checkout the tests run from: the nearest folder above the test's base directory with EdgeGateway.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>docs/schemas of <see cref="RepositoryRoot"/>.</summary>
    public string Directory { get; }

    /// <summary>The leaf of a gateway topic <c>campus/v1/{site}/{gateway}/{leaf}</c>, or null for any other topic.</summary>
    public static string? LeafOf(string topic)
    {
        var parts = topic.Split('/', 5);
        return parts.Length == 5 && parts[0] == "campus" && parts[1] == "v1" ? parts[4] : null;
    }

    /// <summary>The contract of a topic leaf, or null if the contract has none.</summary>
    public static TopicContract? ForLeaf(string leaf) => Topics.FirstOrDefault(t => t.Leaf == leaf);

    /// <summary>Validates a JSON document against a schema (<c>file.schema.json</c> or <c>file.schema.json#/pointer</c>).</summary>
    /// <returns>The violations, empty when the document is valid.</returns>
    public IReadOnlyList<string> Validate(string schemaRef, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            return [$"not JSON: {ex.Message}"];
        }

        using (document)
        {
            return Validate(schemaRef, document.RootElement);
        }
    }

    /// <inheritdoc cref="Validate(string, string)"/>
    public IReadOnlyList<string> Validate(string schemaRef, JsonElement instance)
    {
        var results = SchemaFor(schemaRef).Evaluate(instance, s_evaluation);
        if (results.IsValid)
        {
            return [];
        }

        return
        [
            .. (results.Details ?? []).Append(results)
                .Where(detail => detail.Errors is { Count: > 0 })
                .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation} ({detail.EvaluationPath}): {error.Key}: {error.Value}")),
        ];
    }

    private JsonSchema SchemaFor(string schemaRef)
    {
        lock (_byRef)
        {
            if (!_byRef.TryGetValue(schemaRef, out var schema))
            {
                // A one-line schema that refers to the wanted one, so a $defs entry is validated like a whole file.
                schema = JsonSchema.FromText(JsonSerializer.Serialize(new Dictionary<string, string> { ["$ref"] = BaseUri + schemaRef }), _build);
                _byRef.Add(schemaRef, schema);
            }

            return schema;
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EdgeGateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No EdgeGateway.sln above {AppContext.BaseDirectory}");
    }
}
