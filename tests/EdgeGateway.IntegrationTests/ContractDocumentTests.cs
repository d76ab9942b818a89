using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Sensors;
using EdgeGateway.Core.Uplink;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Time.Testing;
using YamlDotNet.RepresentationModel;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// The MQTT contract's documents (docs/mqtt-contract.md, docs/asyncapi.yaml, docs/schemas) agree with each other and
/// with the code that writes the payloads.
/// </summary>
public sealed partial class ContractDocumentTests
{
    private static readonly GatewayIdentity s_identity = new("hy-school-017", "gw1", new FakeTimeProvider());
    private static readonly DateTimeOffset s_now = new(2026, 11, 29, 5, 37, 41, 746, TimeSpan.Zero);
    private static readonly Lazy<YamlMappingNode> s_asyncApi = new(LoadAsyncApi);

    private static ContractSchemas Schemas => ContractSchemas.Instance;

    public static TheoryData<EventKind, EventState> InputKindsAndStates => new()
    {
        { EventKind.Panic, EventState.Active },
        { EventKind.Panic, EventState.Restored },
        { EventKind.Smoke, EventState.Active },
        { EventKind.Intrusion, EventState.Active },
        { EventKind.Tamper, EventState.Restored },
        { EventKind.Door, EventState.Active },
        { EventKind.Door, EventState.Restored },
        { EventKind.Generic, EventState.Active },
        { EventKind.Checkpoint, EventState.Active },
        { EventKind.Checkpoint, EventState.Restored },
        { EventKind.Duty, EventState.Active },
    };

    /// <summary>The facts each producer of a fault or temperature event writes (EventRecorder, OutboxStarter, MqttConnection, InputSupervisor, InputMonitor, SensorChannel, BoardHealth).</summary>
    public static TheoryData<EventKind, string, string> Details => new()
    {
        { EventKind.Fault, "outbox", """{"fault":"storage","error":"disk full"}""" },
        { EventKind.Fault, "outbox", """{"fault":"storage","since":"2026-11-29T05:30:00.000Z","durationSeconds":"461"}""" },
        { EventKind.Fault, "outbox", """{"fault":"corrupt-store","movedTo":"/var/lib/edge-gateway/outbox.db.corrupt-1","lastSeqBefore":"41","reason":"invalid page"}""" },
        { EventKind.Fault, "uplink", """{"fault":"path","start":"2026-11-29T05:30:00.000Z","end":"2026-11-29T05:31:00.000Z","durationSeconds":"60","broker":"secondary"}""" },
        { EventKind.Fault, "uplink", """{"fault":"subscribe","topic":"campus/v1/hy-school-017/gw1/cmd","reason":"NotAuthorized","broker":"primary","host":"center.example"}""" },
        { EventKind.Fault, "uplink", """{"fault":"session-taken-over","broker":"primary","host":"center.example"}""" },
        { EventKind.Fault, "office-panic", """{"fault":"flapping","line":"input","activations":"10","windowSeconds":"60","suppressed":"false","quietSeconds":"300"}""" },
        { EventKind.Fault, "back-door", """{"fault":"flapping","line":"tamper loop","quietSeconds":"300"}""" },
        { EventKind.Fault, "cold-room", """{"fault":"sensor","failedReads":"3","error":"no answer on the 1-Wire bus"}""" },
        { EventKind.Fault, "cold-room", """{"fault":"sensor"}""" },
        { EventKind.Fault, "board", """{"fault":"under-voltage"}""" },
        { EventKind.Fault, "gpio", """{"fault":"inputs-unavailable","reason":"libgpiod is not installed: apt install libgpiod2 (Raspberry Pi OS bookworm) or libgpiod3 (trixie)"}""" },
        { EventKind.Fault, "gpio", """{"fault":"inputs-unavailable","attempts":"4"}""" },
        { EventKind.Temperature, "cold-room", """{"limit":"high","limitC":"8.0","temperatureC":"8.25","minDurationSeconds":"300"}""" },
        { EventKind.Temperature, "freezer", """{"limit":"low","limitC":"-25.0","temperatureC":"-26.5"}""" },
        { EventKind.Panic, "office-panic", """{"reason":"held-during-test","heldSeconds":"5"}""" },
        { EventKind.Patrol, "night", """{"slot":"2026-11-29T22:00:00.000Z","durationSeconds":"150","checkpoints":"cp-lab,cp-gate,cp-dorm"}""" },
        { EventKind.Fault, "night", """{"fault":"patrol-missed","reason":"missed","slot":"2026-11-29T22:00:00.000Z","maxDurationSeconds":"600","missing":"cp-gate,cp-lab,cp-dorm"}""" },
        { EventKind.Fault, "night", """{"fault":"patrol-missed","slot":"2026-11-29T22:00:00.000Z"}""" },
        { EventKind.Fault, "gate-duty", """{"fault":"duty-missed","intervalSeconds":"900","lastCheckIn":"none"}""" },
        { EventKind.Fault, "gate-duty", """{"fault":"duty-missed","overdueSeconds":"7200"}""" },
        { EventKind.Fault, "patrol", """{"fault":"state-file","file":"/var/lib/edge-gateway/patrol.json","error":"the write did not return within 2000 ms"}""" },
    };

    public static TheoryData<string, double?, double?, double?> Readings => new()
    {
        { SensorOptions.Ds18b20, 4.126, null, null },
        { SensorOptions.Ds18b20, -18.5, null, null },
        { SensorOptions.Sht3x, 21.004, 45.678, null },
        { SensorOptions.Bme280, 19.5, 52.25, 1013.254 },
    };

    [Theory]
    [MemberData(nameof(InputKindsAndStates))]
    public void EventPayload_OfEveryInputKind_MatchesItsTopicsSchema(EventKind kind, EventState state)
    {
        var draft = new EventDraft(NewId(), "office-panic", kind, state, s_now, ClockSynced: true, "Main office, building A");

        AssertValid(LeafOf(draft), EventPayload.Serialize(draft, 5, s_identity));
        AssertValid(LeafOf(draft), EventPayload.Serialize(draft with { Test = true }, 6, s_identity));
    }

    [Theory]
    [MemberData(nameof(Details))]
    public void EventPayload_WithTheDetailOfEachFault_MatchesItsTopicsSchema(EventKind kind, string input, string detail)
    {
        var draft = new EventDraft(NewId(), input, kind, EventState.Active, s_now, ClockSynced: false, "")
        {
            Detail = JsonSerializer.Deserialize<Dictionary<string, string>>(detail),
        };

        // Every fault is an alarm; a completed patrol round is only an event.
        Assert.Equal(kind == EventKind.Patrol ? TopicScheme.EventLeaf : TopicScheme.AlarmLeaf, LeafOf(draft));
        AssertValid(LeafOf(draft), EventPayload.Serialize(draft, 1, s_identity));
    }

    [Theory]
    [MemberData(nameof(Readings))]
    public void TelemetryPayload_OfEachSensorType_MatchesTheTelemetrySchema(string type, double? temperatureC, double? humidityPct, double? pressureHpa)
    {
        var draft = new EventDraft(NewId(), "cold-room", EventKind.Telemetry, EventState.Active, s_now, ClockSynced: true, "")
        {
            Telemetry = new TelemetrySample(type, new SensorReadings(temperatureC, humidityPct, pressureHpa)),
        };

        Assert.Equal(TopicScheme.TelemetryLeaf, LeafOf(draft));
        AssertValid(TopicScheme.TelemetryLeaf, TelemetryPayload.Serialize(draft, 42, s_identity));
    }

    [Fact]
    public void StatusPayload_OnlineAndBothOfflineReasons_MatchTheStatusSchema()
    {
        InputOptions[] inputs =
        [
            .. Enum.GetValues<EventKind>()
                .Where(kind => kind is not (EventKind.Fault or EventKind.Temperature or EventKind.Telemetry or EventKind.Patrol))
                .Select(kind => new InputOptions { Id = $"in-{kind}".ToLowerInvariant(), Kind = kind, Location = $"{kind} somewhere" }),
        ];

        AssertValid("status", StatusPayload.Online(s_identity, inputs, s_now, new OutboxDrops(3, 1200)));
        AssertValid("status", StatusPayload.Online(s_identity, [], s_now));
        AssertValid("status", StatusPayload.Offline(s_identity, "connection-lost"));
        AssertValid("status", StatusPayload.Offline(s_identity, "shutdown"));
        Assert.NotEmpty(Violations("status", StatusPayload.Offline(s_identity, "crashed")));
    }

    [Fact]
    public void Validator_RejectsEventsOffTheContract()
    {
        var draft = new EventDraft(NewId(), "office-panic", EventKind.Panic, EventState.Active, s_now, ClockSynced: true, "Main office");
        var valid = JsonNode.Parse(EventPayload.Serialize(draft, 5, s_identity))!.AsObject();
        Assert.Empty(Violations("alarm", valid));

        Assert.NotEmpty(Violations("alarm", Without(valid, "id")));
        Assert.NotEmpty(Violations("alarm", With(valid, "id", "evt-5")));
        Assert.NotEmpty(Violations("alarm", With(valid, "kind", "earthquake")));
        Assert.NotEmpty(Violations("alarm", With(valid, "seq", 0)));
        Assert.NotEmpty(Violations("alarm", With(valid, "ts", "2026-11-29T05:37:41Z")));
        Assert.NotEmpty(Violations("alarm", With(valid, "extra", true)));
        Assert.NotEmpty(Violations("alarm", With(valid, "test", false)));
        Assert.NotEmpty(Violations("alarm", With(valid, "detail", new JsonObject { ["why"] = "a panic input carries no detail" })));
        // Lanes: a panic belongs on …/alarm, never on …/event; a fault must say which.
        Assert.NotEmpty(Violations("event", valid));
        Assert.NotEmpty(Violations("alarm", With(valid, "kind", "fault")));
        Assert.Contains(Schemas.Validate("status.schema.json", "{not json"), v => v.StartsWith("not JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void Monitor_FailsOnOffContractMessages_AndSkipsWhatIsNotTheGateways()
    {
        var monitor = new ContractMonitor();
        monitor.Observe("campus/v1/s1/gw1/alarm", """{"id":"x"}""", isResponse: false);
        monitor.Observe("campus/v1/s1/gw1/unheard-of", "{}", isResponse: false);
        monitor.Observe("campus/v1/s1/gw1.selftest/selftest", "probe", isResponse: false);
        monitor.Observe("campus/v1/s1/gw1/ack", "{not json", isResponse: false);
        monitor.Observe("elsewhere/topic", "anything", isResponse: false);
        monitor.Observe("center/replies/7", """{"v":1}""", isResponse: true);

        var (violations, checkedCount) = monitor.Check();

        Assert.Equal(3, checkedCount);
        Assert.Contains(violations, v => v.StartsWith("campus/v1/s1/gw1/alarm", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("campus/v1/s1/gw1/unheard-of: no schema", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("center/replies/7 (cmd-result.schema.json)", StringComparison.Ordinal));
        Assert.Throws<Xunit.Sdk.FailException>(monitor.AssertNoViolations);
    }

    [Fact]
    public void EveryTopicOfTheTopicScheme_HasAChannelAndASchema()
    {
        var topics = new TopicScheme(s_identity);
        var leaves = typeof(TopicScheme).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(string) && p.Name != nameof(TopicScheme.Base))
            .Select(p => ((string)p.GetValue(topics)!)[(topics.Base.Length + 1)..])
            .ToList();
        var channels = Channels();

        Assert.Equal(leaves.Order(StringComparer.Ordinal), ContractSchemas.Topics.Select(t => t.Leaf).Order(StringComparer.Ordinal));
        foreach (var contract in ContractSchemas.Topics)
        {
            Assert.True(channels.TryGetValue(contract.Leaf, out var schemaRef), $"docs/asyncapi.yaml has no channel campus/v1/{{site}}/{{gateway}}/{contract.Leaf}");
            Assert.Equal(contract.SchemaRef, schemaRef);
            Assert.True(File.Exists(Path.Combine(Schemas.Directory, contract.SchemaRef.Split('#')[0])), contract.SchemaRef);
        }

        Assert.Equal(ContractSchemas.Topics.Count, channels.Count);
    }

    [Fact]
    public void AsyncApi_OperationsSayWhoPublishes_WithQos1_AndRetainOnlyForStatusHealthAndCommissioning()
    {
        var channelLeaves = ChannelLeaves();
        var operations = (YamlMappingNode)s_asyncApi.Value["operations"];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, node) in operations.Children)
        {
            var operation = (YamlMappingNode)node;
            var leaf = channelLeaves[RefName(operation["channel"])];
            var contract = ContractSchemas.ForLeaf(leaf)!;
            var action = Scalar(operation["action"]);
            Assert.Equal(contract.Direction == ContractDirection.GatewayToCenter ? "send" : "receive", action);
            var mqtt = (YamlMappingNode)((YamlMappingNode)operation["bindings"])["mqtt"];
            Assert.Equal("1", Scalar(mqtt["qos"]));
            Assert.Equal(leaf is "status" or "health" or "commissioning" ? "true" : "false", Scalar(mqtt["retain"]));
            seen.Add(leaf);
        }

        Assert.Equal(ContractSchemas.Topics.Select(t => t.Leaf).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AsyncApi_EveryExample_MatchesItsMessagesSchema()
    {
        var messages = (YamlMappingNode)((YamlMappingNode)s_asyncApi.Value["components"])["messages"];
        var count = 0;
        foreach (var (name, node) in messages.Children)
        {
            var message = (YamlMappingNode)node;
            var schemaRef = PayloadSchemaRef(message);
            foreach (var example in (YamlSequenceNode)message["examples"])
            {
                var payload = Assert.IsType<JsonObject>(ToJson(((YamlMappingNode)example)["payload"]));
                var violations = Schemas.Validate(schemaRef, payload.ToJsonString());
                Assert.True(violations.Count == 0, $"example '{Scalar(((YamlMappingNode)example)["name"])}' of message {Scalar(name)}: {string.Join("; ", violations)}");
                count++;
            }
        }

        var will = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)s_asyncApi.Value["servers"])["site-broker"])["bindings"])["mqtt"];
        Assert.Empty(Schemas.Validate("status.schema.json", Scalar(((YamlMappingNode)will["lastWill"])["message"])));
        Assert.True(count >= ContractSchemas.Topics.Count, $"only {count} examples");
    }

    [Fact]
    public void MqttContractMarkdown_EveryJsonExample_MatchesASchemaOfTheContract()
    {
        var markdown = File.ReadAllText(Path.Combine(ContractSchemas.RepositoryRoot, "docs", "mqtt-contract.md"));
        var examples = JsonExamples(markdown);
        var schemaRefs = ContractSchemas.Topics.Select(t => t.SchemaRef).Distinct().ToList();

        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            var attempts = schemaRefs.Select(schemaRef => (schemaRef, Violations: Schemas.Validate(schemaRef, example))).ToList();
            Assert.True(
                attempts.Any(a => a.Violations.Count == 0),
                $"docs/mqtt-contract.md: this example matches no schema of docs/schemas (use real values, not placeholders):{Environment.NewLine}{example}{Environment.NewLine}"
                + string.Join(Environment.NewLine, attempts.Select(a => $"{a.schemaRef}: {string.Join("; ", a.Violations.Take(3))}")));
        }
    }

    /// <summary>Every JSON value in a ```json block (several may follow each other) and every inline code span that is a JSON object.</summary>
    private static List<string> JsonExamples(string markdown)
    {
        var examples = new List<string>();
        foreach (Match block in JsonBlock().Matches(markdown))
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(block.Groups["json"].Value), new JsonReaderOptions { AllowMultipleValues = true });
            while (reader.Read())
            {
                using var document = JsonDocument.ParseValue(ref reader);
                examples.Add(document.RootElement.GetRawText());
            }
        }

        examples.AddRange(InlineObject().Matches(JsonBlock().Replace(markdown, "")).Select(span => span.Groups["json"].Value));
        return examples;
    }

    [GeneratedRegex("```json\\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    [GeneratedRegex("`(?<json>\\{\".*?\\})`")]
    private static partial Regex InlineObject();

    /// <summary>Channel leaf → the schema its message's payload refers to (relative to docs/schemas).</summary>
    private static Dictionary<string, string> Channels()
    {
        var leaves = ChannelLeaves();
        var channels = (YamlMappingNode)s_asyncApi.Value["channels"];
        var messages = (YamlMappingNode)((YamlMappingNode)s_asyncApi.Value["components"])["messages"];
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in channels.Children)
        {
            var channelMessages = ((YamlMappingNode)((YamlMappingNode)node)["messages"]).Children.Values.ToList();
            var message = (YamlMappingNode)messages[RefName(Assert.Single(channelMessages))];
            result.Add(leaves[Scalar(name)], PayloadSchemaRef(message));
        }

        return result;
    }

    /// <summary>Channel name → topic leaf, from its address <c>campus/v1/{site}/{gateway}/{leaf}</c>.</summary>
    private static Dictionary<string, string> ChannelLeaves()
    {
        const string prefix = "campus/v1/{site}/{gateway}/";
        var channels = (YamlMappingNode)s_asyncApi.Value["channels"];
        return channels.Children.ToDictionary(
            c => Scalar(c.Key),
            c =>
            {
                var address = Scalar(((YamlMappingNode)c.Value)["address"]);
                Assert.StartsWith(prefix, address, StringComparison.Ordinal);
                return address[prefix.Length..];
            },
            StringComparer.Ordinal);
    }

    private static string PayloadSchemaRef(YamlMappingNode message)
    {
        const string prefix = "./schemas/";
        var payload = (YamlMappingNode)message["payload"];
        Assert.Equal("application/schema+json;version=draft-2020-12", Scalar(payload["schemaFormat"]));
        var schemaRef = Scalar(((YamlMappingNode)payload["schema"])["$ref"]);
        Assert.StartsWith(prefix, schemaRef, StringComparison.Ordinal);
        return schemaRef[prefix.Length..];
    }

    /// <summary>The last segment of a local reference such as <c>#/channels/alarm</c> or <c>#/components/messages/alarm</c>.</summary>
    private static string RefName(YamlNode reference) => Scalar(((YamlMappingNode)reference)["$ref"]).Split('/')[^1];

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    /// <summary>YAML to JSON: plain scalars that read as numbers, booleans or null become those; quoted ones stay strings.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(Scalar(c.Key), ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "null" or "~" } => null,
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "false" } scalar => JsonValue.Create(scalar.Value == "true"),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar when double.TryParse(scalar.Value, System.Globalization.CultureInfo.InvariantCulture, out _) =>
            JsonNode.Parse(scalar.Value!),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException($"Unexpected YAML node {node.NodeType}"),
    };

    private static YamlMappingNode LoadAsyncApi()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(ContractSchemas.RepositoryRoot, "docs", "asyncapi.yaml"));
        yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        Assert.Equal("3.0.0", Scalar(root["asyncapi"]));
        return root;
    }

    private static string LeafOf(EventDraft draft) => LaneRules.TopicLeafOf(draft.Lane);

    private static string NewId() => Guid.CreateVersion7(s_now).ToString();

    private static void AssertValid(string leaf, byte[] payload)
    {
        var violations = Violations(leaf, Encoding.UTF8.GetString(payload));
        Assert.True(violations.Count == 0, $"{Encoding.UTF8.GetString(payload)}: {string.Join("; ", violations)}");
    }

    private static IReadOnlyList<string> Violations(string leaf, byte[] payload) => Violations(leaf, Encoding.UTF8.GetString(payload));

    private static IReadOnlyList<string> Violations(string leaf, JsonNode payload) => Violations(leaf, payload.ToJsonString());

    private static IReadOnlyList<string> Violations(string leaf, string payload) =>
        Schemas.Validate(ContractSchemas.ForLeaf(leaf)!.SchemaRef, payload);

    private static JsonObject Without(JsonObject payload, string property)
    {
        var copy = payload.DeepClone().AsObject();
        copy.Remove(property);
        return copy;
    }

    private static JsonObject With(JsonObject payload, string property, JsonNode? value)
    {
        var copy = payload.DeepClone().AsObject();
        copy[property] = value;
        return copy;
    }
}
