using System.Diagnostics;
using System.Globalization;
using EdgeGateway.TestKit;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// A subscriber that cannot take everything at once (its Receive Maximum full, a queue behind it at the broker) must
/// still be fed at the publisher's pace. MQTTnet's default 8 KiB socket buffers against a broker with Nagle on gave
/// 4,995 of 50,000 in 25 s with idle CPUs (deploy/mosquitto/README.md, "Delivery"). Each side is fixed on its own:
/// the county broker turns Nagle off (for any subscriber), and the project's clients size their buffers (for any broker).
/// Deadlines are ten times the publisher's own time in the same run plus 10 s, so a loaded machine does not fail them.
/// </summary>
public sealed class BrokerDeliveryTests(ITestOutputHelper output)
{
    private const int Messages = 50_000;
    private const int PublishWindow = 32;
    private const ushort SmallReceiveMaximum = 20;

    [Fact]
    public async Task DeployedBroker_FeedsAPlainSubscriberWithAFullReceiveWindow_AtThePublishersPace()
    {
        Assert.Contains("set_tcp_nodelay true", MosquittoBroker.DeployedDeliverySettings);
        await using var broker = await MosquittoBroker.StartAsync();
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        long received = 0;
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            Interlocked.Increment(ref received);
            return Task.CompletedTask;
        };
        // MQTTnet's defaults, 8 KiB socket buffers included: a subscriber the county does not write.
        await subscriber.ConnectAsync(Options(broker.Port, "plain-subscriber").WithReceiveMaximum(SmallReceiveMaximum).Build());
        await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("delivery/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await FloodAndCountAsync(broker.Port, () => Interlocked.Read(ref received));
    }

    [Fact]
    public async Task ProjectSubscriber_WithAFullReceiveWindow_KeepsPace_EvenWhenTheBrokerHasNagleOn()
    {
        // The caller's line comes after the deployed settings: this broker has Mosquitto's default.
        await using var broker = await MosquittoBroker.StartAsync(["set_tcp_nodelay false"], allowAnonymous: true);
        await using var subscriber = new MqttRecorder(broker.Port, "project-subscriber", filter: "delivery/#", configure: b => b.WithReceiveMaximum(SmallReceiveMaximum));
        await subscriber.StartAsync();

        await FloodAndCountAsync(broker.Port, () => subscriber.Messages.Count);
    }

    [Fact]
    public void CenterConsole_SizesItsSocketBuffers_AboveMqttNetsDefault()
    {
        var options = Center.Transport.CenterMqttClient.ConnectOptions(new Center.CenterOptions { Port = 1883 });

        var tcp = Assert.IsType<MqttClientTcpOptions>(options.ChannelOptions);
        Assert.Equal(Center.Transport.MqttSocketBuffers.Bytes, tcp.BufferSize);
        Assert.True(tcp.BufferSize >= 32 * new MqttClientTcpOptions().BufferSize);
    }

    /// <summary>Publishes <see cref="Messages"/> QoS 1 messages of 420 bytes, a window of 32 in flight, and waits until <paramref name="received"/> has them all.</summary>
    private async Task FloodAndCountAsync(int port, Func<long> received)
    {
        using var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(Options(port, "delivery-publisher").Build());
        var message = new MqttApplicationMessageBuilder().WithTopic("delivery/event").WithPayload(new byte[420]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        var clock = Stopwatch.StartNew();
        await PipelinedPublisher.PublishAsync(publisher, message, Messages, PublishWindow);
        var published = clock.Elapsed;
        try
        {
            await GatewayProcess.WaitUntilAsync(() => received() >= Messages, (published * 10) + TimeSpan.FromSeconds(10) - clock.Elapsed);
        }
        catch (TimeoutException)
        {
            // Reported below, with the figures.
        }

        var got = received();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"published {Messages} in {published.TotalSeconds:0.00} s; the subscriber (Receive Maximum {SmallReceiveMaximum}) had {got} after {clock.Elapsed.TotalSeconds:0.00} s"));
        Assert.True(got == Messages, $"the subscriber had {got} of {Messages} after {clock.Elapsed.TotalSeconds:0.0} s (publishing took {published.TotalSeconds:0.0} s)");
    }

    private static MqttClientOptionsBuilder Options(int port, string clientId) =>
        new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId(clientId).WithCleanStart(true);
}
