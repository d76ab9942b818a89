using System.Net;
using System.Net.Sockets;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeGateway.Demo.Broker;

/// <summary>An in-process MQTT broker on 127.0.0.1 for the demo and tests (MQTTnet.Server), with persistent sessions.</summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;

    private EmbeddedBroker(MqttServer server, int port)
    {
        _server = server;
        Port = port;
        _server.InterceptingPublishAsync += e =>
        {
            Publishing?.Invoke(e.ClientId, e.ApplicationMessage);
            if (Answer?.Invoke(e.ApplicationMessage) is { } refusal)
            {
                e.ProcessPublish = false;
                e.Response.ReasonCode = refusal;
            }

            return Task.CompletedTask;
        };
        _server.InterceptingSubscriptionAsync += e =>
        {
            if (SubscriptionAnswer?.Invoke(e.TopicFilter.Topic) is { } refusal)
            {
                e.ProcessSubscription = false;
                e.Response.ReasonCode = refusal;
            }

            return Task.CompletedTask;
        };
    }

    public int Port { get; }

    /// <summary>Raised for every message a client publishes, before the broker routes it: (client id, message). Tests check the gateway's messages against the contract.</summary>
    public event Action<string, MqttApplicationMessage>? Publishing;

    /// <summary>For tests: a PUBACK reason code that refuses a message instead of routing it; null routes it.</summary>
    public Func<MqttApplicationMessage, MqttPubAckReasonCode?>? Answer { get; set; }

    /// <summary>
    /// For tests: a SUBACK failure reason code that refuses a topic filter instead of granting it; null grants it. Asked at
    /// every subscription (Mosquitto 2.0 grants a subscription its ACL denies, so only this broker can refuse one).
    /// </summary>
    public Func<string, MqttSubscribeReasonCode?>? SubscriptionAnswer { get; set; }

    /// <param name="port">0 for a free loopback port.</param>
    public static async Task<EmbeddedBroker> StartAsync(int port = 0)
    {
        if (port == 0)
        {
            port = FreeLoopbackPort();
        }

        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions(true)
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(options);
        await server.StartAsync();
        return new EmbeddedBroker(server, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _server.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
