using MQTTnet;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>
/// The socket buffers of an MQTTnet client. MQTTnet sets SO_RCVBUF and SO_SNDBUF to <see cref="MqttClientTcpOptions.BufferSize"/>
/// (8 KiB by default), which switches off Linux's buffer autotuning: the window a subscriber advertises stays near
/// 5 KiB, and a broker with Nagle on (Mosquitto's default) then waits for its persist timer instead of sending into so
/// small a window. A subscriber whose Receive Maximum was full got 5,000 of 50,000 queued messages in 25 s with idle
/// CPUs (deploy/mosquitto/README.md, "Delivery").
/// The center console has its own copy (it stands alone); the test kit and the benchmarks use this one.
/// </summary>
public static class MqttSocketBuffers
{
    /// <summary>256 KiB each way; Linux caps it at net.core.rmem_max / wmem_max (208 KiB on Debian) and doubles that.</summary>
    public const int Bytes = 256 * 1024;

    /// <summary>Sets the buffers on options built with <c>WithTcpServer</c> (other transports are left alone).</summary>
    public static MqttClientOptions WithSocketBuffers(this MqttClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChannelOptions is MqttClientTcpOptions tcp)
        {
            tcp.BufferSize = Bytes;
        }

        return options;
    }
}
