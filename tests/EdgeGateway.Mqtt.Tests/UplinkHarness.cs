using System.Buffers;
using System.Text;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Demo.Broker;
using EdgeGateway.Mqtt.Connection;
using EdgeGateway.Mqtt.Downlink;
using EdgeGateway.Mqtt.Uplink;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt.Tests;

/// <summary>
/// The gateway's uplink (connection, forwarder, ack listener) against a real in-process broker on 127.0.0.1. Everything
/// the gateway publishes is checked against the contract's schemas; a violation fails the test on dispose.
/// </summary>
internal sealed class UplinkHarness : IAsyncDisposable
{
    private UplinkHarness(EmbeddedBroker broker, MqttOptions options, AckOptions acks)
    {
        Broker = broker;
        WatchContract(broker);
        Identity = new GatewayIdentity("s1", "gw-test", TimeProvider.System);
        Topics = new TopicScheme(Identity);
        Store = new InMemoryOutboxStore(Identity);
        Acknowledgements = new CenterAcknowledgements(TimeProvider.System, NullLogger<CenterAcknowledgements>.Instance, Options.Create(acks));
        var mqttOptions = Options.Create(options);
        var clock = new UnsyncedClock();
        Recorder = new EventRecorder(new OutboxWriter(Store, Unwritten, Signal, Identity, clock, TimeProvider.System, NullLogger<OutboxWriter>.Instance), Identity, clock, TimeProvider.System);
        var status = new StatusMessages(Identity, Topics, new StaticStatusPayloadSource(), TimeProvider.System);
        var outages = new PathOutageRecorder(Recorder, mqttOptions, TimeProvider.System);
        Connection = new MqttConnection(mqttOptions, Identity, Topics, Router, status, outages, Recorder, TimeProvider.System, ConnectionLog);
        Forwarder = new OutboxForwarder(Connection, Store, Unwritten, Signal, Topics, Acknowledgements, Recorder, mqttOptions, TimeProvider.System, new LivenessRegistry(TimeProvider.System), ForwarderLog);
        AckListener = new CenterAckListener(Router, Topics, Acknowledgements);
        Republisher = new AlarmRepublisher(Connection, Topics, Acknowledgements, TimeProvider.System, NullLogger<AlarmRepublisher>.Instance);
    }

    public EmbeddedBroker Broker { get; private set; }

    public GatewayIdentity Identity { get; }

    public TopicScheme Topics { get; }

    public InMemoryOutboxStore Store { get; }

    public OutboxSignal Signal { get; } = new();

    public UnwrittenEntries Unwritten { get; } = new();

    public EventRecorder Recorder { get; }

    public CenterAcknowledgements Acknowledgements { get; }

    public FakeLogger<MqttConnection> ConnectionLog { get; } = new();

    public DownlinkRouter Router { get; } = new(NullLogger<DownlinkRouter>.Instance);

    public FakeLogger<OutboxForwarder> ForwarderLog { get; } = new();

    public MqttConnection Connection { get; }

    public OutboxForwarder Forwarder { get; }

    public CenterAckListener AckListener { get; }

    public AlarmRepublisher Republisher { get; }

    /// <summary>What the gateway published, for the contract check.</summary>
    public ContractMonitor Contract { get; } = new();

    /// <summary>Between the gateway and the broker when created <c>throughProxy</c>: freeze it for a half-open path.</summary>
    public TcpProxy? Proxy { get; private init; }

    public static async Task<UplinkHarness> CreateAsync(int inFlightWindow = 32, int ackTimeoutSeconds = 20, bool throughProxy = false, int keepAliveSeconds = 5)
    {
        var broker = await EmbeddedBroker.StartAsync();
        var proxy = throughProxy ? new TcpProxy(broker.Port) : null;
        return new UplinkHarness(broker, new MqttOptions
        {
            Host = "127.0.0.1",
            Port = proxy?.Port ?? broker.Port,
            UseTls = false,
            KeepAliveSeconds = keepAliveSeconds,
            ReconnectDelayMs = 50,
            ReconnectMaxDelaySeconds = 1,
            InFlightWindow = inFlightWindow,
        }, new AckOptions { TimeoutSeconds = ackTimeoutSeconds })
        {
            Proxy = proxy,
        };
    }

    /// <summary>Appends one event of <paramref name="kind"/> at <paramref name="location"/>.</summary>
    public OutboxEntry AppendAt(EventKind kind, string location) => Store.AppendNext(
        [new EventDraft(Guid.CreateVersion7().ToString(), $"in-{kind}".ToLowerInvariant(), kind, EventState.Active, TimeProvider.System.GetUtcNow(), false, location)]).Single();

    public IReadOnlyList<OutboxEntry> Append(params EventKind[] kinds) => Store.AppendNext(
        [.. kinds.Select(kind => new EventDraft(Guid.CreateVersion7().ToString(), $"in-{kind}".ToLowerInvariant(), kind, EventState.Active, TimeProvider.System.GetUtcNow(), false, "here"))]);

    public async Task StartAsync()
    {
        await AckListener.StartAsync(CancellationToken.None);
        await Connection.StartAsync(CancellationToken.None);
        await Forwarder.StartAsync(CancellationToken.None);
        await Republisher.StartAsync(CancellationToken.None);
    }

    public async Task StopAsync()
    {
        await Republisher.StopAsync(CancellationToken.None);
        await Forwarder.StopAsync(CancellationToken.None);
        await Connection.StopAsync(CancellationToken.None);
    }

    /// <summary>Stops the broker and starts a new one on the same port (sessions are lost: MQTTnet keeps them in memory).</summary>
    public async Task RestartBrokerAsync(Func<Task> whileDown)
    {
        var port = Broker.Port;
        await Broker.DisposeAsync();
        await whileDown();
        Broker = await EmbeddedBroker.StartAsync(port);
        WatchContract(Broker);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Republisher.Dispose();
        Forwarder.Dispose();
        Connection.Dispose();
        Acknowledgements.Dispose();
        await Broker.DisposeAsync();
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        Contract.AssertNoViolations();
    }

    private void WatchContract(EmbeddedBroker broker) => broker.Publishing += (clientId, message) =>
    {
        // Only the gateway's own messages: the test's center publishes acks, some malformed on purpose.
        if (clientId == Identity.GatewayId)
        {
            Contract.Observe(message.Topic, Encoding.UTF8.GetString(message.Payload.ToArray()), message.CorrelationData is { Length: > 0 });
        }
    };
}

internal sealed class UnsyncedClock : IClockSync
{
    public bool IsSynchronized => false;
}

/// <summary>A gateway with no inputs that has dropped nothing.</summary>
internal sealed class StaticStatusPayloadSource : IStatusPayloadSource
{
    public IReadOnlyList<InputOptions> Inputs { get; } = [];

    public OutboxDrops Dropped => default;
}
