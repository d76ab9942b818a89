using EdgeGateway.Core.Uplink;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>Core's <see cref="IUplinkPath"/>: up while the <see cref="MqttConnection"/> has a session.</summary>
public sealed class ConnectionPath(MqttConnection connection, PathOutageRecorder outages) : IUplinkPath
{
    public bool IsUp => connection.IsConnected;

    public long Reconnects => connection.Reconnects;

    public long Failovers => outages.Failovers;
}
