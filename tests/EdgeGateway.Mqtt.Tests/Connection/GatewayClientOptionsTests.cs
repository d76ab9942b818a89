using EdgeGateway.Core.Events;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Connection;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace EdgeGateway.Mqtt.Tests.Connection;

public sealed class GatewayClientOptionsTests
{
    /// <summary>MQTTnet's 8 KiB default pins the socket buffers so small that a broker with Nagle on trickles (BrokerDeliveryTests).</summary>
    [Fact]
    public void Build_SizesTheSocketBuffers_AboveMqttNetsDefault()
    {
        var identity = new GatewayIdentity("s1", "gw-test", new FakeTimeProvider());
        var options = GatewayClientOptions.Build(new MqttOptions { Host = "127.0.0.1", Port = 1883, UseTls = false }, identity, new TopicScheme(identity));

        var tcp = Assert.IsType<MqttClientTcpOptions>(options.ChannelOptions);
        Assert.Equal(MqttSocketBuffers.Bytes, tcp.BufferSize);
        Assert.True(tcp.BufferSize >= 32 * new MqttClientTcpOptions().BufferSize);
    }

    /// <summary>MQTTnet writes a publish's header and payload apart by default: two segments for the broker, two system calls.</summary>
    [Fact]
    public void Build_WritesEachPacketWhole()
    {
        var identity = new GatewayIdentity("s1", "gw-test", new FakeTimeProvider());
        var options = GatewayClientOptions.Build(new MqttOptions { Host = "127.0.0.1", Port = 1883, UseTls = false }, identity, new TopicScheme(identity));

        Assert.True(new MqttClientOptions().AllowPacketFragmentation);
        Assert.False(options.AllowPacketFragmentation);
    }
}
