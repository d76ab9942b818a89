using EdgeGateway.Core.Events;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>One broker to connect to: <c>primary</c> or <c>secondary</c> (<see cref="Name"/>, as in health and path faults).</summary>
internal readonly record struct BrokerTarget(string Name, MqttOptions Options)
{
    public bool IsSecondary => Name == BrokerFailover.Secondary;
}

/// <summary>
/// Picks the broker for the next connect: the primary, or <c>Mqtt:Secondary</c> once the primary has been unreachable
/// for <see cref="MqttOptions.FailoverAfterSeconds"/>. While on the secondary, <see cref="WatchPrimary"/> tells when
/// the primary accepts connections again, so the gateway goes back to it.
/// </summary>
internal sealed class BrokerFailover
{
    public const string Primary = "primary";
    public const string Secondary = "secondary";

    private readonly MqttOptions _primary;
    private readonly MqttOptions? _secondary;
    private readonly GatewayIdentity _identity;
    private readonly TimeProvider _time;

    // Monotonic: a clock step of months does not trigger or delay the failover.
    private long? _primaryDownSince;
    private volatile string _current = "none";

    public BrokerFailover(MqttOptions primary, GatewayIdentity identity, TimeProvider time)
    {
        _primary = primary;
        _secondary = primary.Secondary is null ? null : primary.ForSecondary();
        _identity = identity;
        _time = time;
    }

    /// <summary>The broker of the last successful connect: <c>primary</c>, <c>secondary</c>, or <c>none</c> before the first.</summary>
    public string Current => _current;

    private bool FailedOver => _secondary is not null && _primaryDownSince is { } since
        && _time.GetElapsedTime(since) >= TimeSpan.FromSeconds(_primary.FailoverAfterSeconds);

    public BrokerTarget NextTarget() => FailedOver ? new BrokerTarget(Secondary, _secondary!) : new BrokerTarget(Primary, _primary);

    /// <summary>A connect to <paramref name="target"/> failed; a failing primary starts the failover clock.</summary>
    public void ConnectFailed(BrokerTarget target)
    {
        if (!target.IsSecondary)
        {
            _primaryDownSince ??= _time.GetTimestamp();
        }
    }

    public void Connected(BrokerTarget target)
    {
        _current = target.Name;
        if (!target.IsSecondary)
        {
            _primaryDownSince = null;
        }
    }

    /// <summary>The session ended; losing the primary starts the failover clock.</summary>
    public void SessionLost()
    {
        if (_current == Primary)
        {
            _primaryDownSince ??= _time.GetTimestamp();
        }
    }

    /// <summary>Starts watching the primary for the session just connected; a watch on the primary never fires.</summary>
    public PrimaryWatch WatchPrimary() => new(this, _current == Secondary, _time.GetTimestamp());

    /// <summary>Probes the primary every <see cref="MqttOptions.PrimaryProbeSeconds"/> of one session on the secondary.</summary>
    internal sealed class PrimaryWatch(BrokerFailover owner, bool onSecondary, long lastProbe)
    {
        private long _lastProbe = lastProbe;

        /// <summary>True once the primary is back; the failover clock is reset and the caller drops the session to switch.</summary>
        public async Task<bool> PrimaryIsBackAsync(CancellationToken sessionOver)
        {
            if (!onSecondary || owner._time.GetElapsedTime(_lastProbe) < TimeSpan.FromSeconds(owner._primary.PrimaryProbeSeconds))
            {
                return false;
            }

            _lastProbe = owner._time.GetTimestamp();
            // The same TCP check as selftest's: a broker that accepts connections again is worth switching back to.
            if (!(await new MqttProbe(owner._primary, owner._identity, owner._time).TcpAsync(sessionOver)).Passed)
            {
                return false;
            }

            owner._primaryDownSince = null;
            return true;
        }
    }
}
