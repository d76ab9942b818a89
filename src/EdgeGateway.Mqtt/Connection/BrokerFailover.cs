namespace EdgeGateway.Mqtt.Connection;

/// <summary>One broker to connect to: <c>primary</c> or <c>secondary</c> (<see cref="Name"/>, as in health and path faults).</summary>
internal readonly record struct BrokerTarget(string Name, MqttOptions Options)
{
    public bool IsSecondary => Name == BrokerFailover.Secondary;
}

/// <summary>
/// Picks the broker for the next connect on MQTT health, not TCP: the broker tried stays the target until it has not
/// completed a connect (CONNACK and SUBACK) for <see cref="MqttOptions.FailoverAfterSeconds"/>, whatever the reason
/// (refused, stalled, authentication, TLS, a session that died); then the other one is. So a dead primary leads to
/// <c>Mqtt:Secondary</c>, and a dead secondary back to the primary. While on the secondary, <see cref="WatchPrimary"/>
/// tells when a side probe has completed a full MQTT round trip through the primary, so the gateway goes back to it.
/// </summary>
internal sealed class BrokerFailover
{
    public const string Primary = "primary";
    public const string Secondary = "secondary";

    private readonly BrokerTarget _primary;
    private readonly BrokerTarget? _secondary;
    private readonly TimeProvider _time;
    private readonly TimeSpan _failoverAfter;
    private readonly Lock _lock = new();
    private BrokerTarget _target;

    // Monotonic: a clock step of months does not trigger or delay the failover.
    private long? _failingSince;
    private volatile string _current = "none";

    public BrokerFailover(MqttOptions primary, TimeProvider time)
    {
        _primary = new BrokerTarget(Primary, primary);
        _secondary = primary.Secondary is null ? null : new BrokerTarget(Secondary, primary.ForSecondary());
        _target = _primary;
        _time = time;
        _failoverAfter = TimeSpan.FromSeconds(primary.FailoverAfterSeconds);
    }

    /// <summary>The broker of the last successful connect: <c>primary</c>, <c>secondary</c>, or <c>none</c> before the first.</summary>
    public string Current => _current;

    /// <summary>The broker to try next; switches to the other one once the current target has failed long enough.</summary>
    public BrokerTarget NextTarget()
    {
        lock (_lock)
        {
            if (_secondary is { } secondary && UntilSwitchLocked() is { } until && until <= TimeSpan.Zero)
            {
                _target = _target.IsSecondary ? _primary : secondary;
                // The new target gets its own full period before the gateway gives up on it.
                _failingSince = _time.GetTimestamp();
            }

            return _target;
        }
    }

    /// <summary>How long until the next connect goes to the other broker; null when no switch is pending.</summary>
    public TimeSpan? UntilSwitch()
    {
        lock (_lock)
        {
            return UntilSwitchLocked();
        }
    }

    /// <summary>
    /// An attempt on <paramref name="target"/> that began at <paramref name="startedAt"/> did not reach CONNACK and SUBACK;
    /// the failing clock starts at its beginning, so a broker that stalls is not given an extra connect timeout.
    /// </summary>
    public void ConnectFailed(BrokerTarget target, long startedAt)
    {
        lock (_lock)
        {
            if (target.Name == _target.Name)
            {
                _failingSince ??= startedAt;
            }
        }
    }

    /// <summary>CONNACK and SUBACK from <paramref name="target"/>: it is healthy.</summary>
    public void Connected(BrokerTarget target)
    {
        lock (_lock)
        {
            _current = target.Name;
            _target = target;
            _failingSince = null;
        }
    }

    /// <summary>The session ended: the broker it was on starts failing now.</summary>
    public void SessionLost()
    {
        lock (_lock)
        {
            _failingSince ??= _time.GetTimestamp();
        }
    }

    /// <summary>Starts watching the primary for the session just connected; a watch on the primary never fires.</summary>
    public PrimaryWatch WatchPrimary() => new(this, _current == Secondary, _time.GetTimestamp());

    private TimeSpan? UntilSwitchLocked() =>
        _secondary is null || _failingSince is not { } since ? null : _failoverAfter - _time.GetElapsedTime(since);

    /// <summary>The primary passed its probe: the next connect goes to it, and the caller drops the secondary's session.</summary>
    private void FailBack()
    {
        lock (_lock)
        {
            _target = _primary;
            _failingSince = null;
        }
    }

    /// <summary>Probes the primary every <see cref="MqttOptions.PrimaryProbeSeconds"/> of one session on the secondary.</summary>
    internal sealed class PrimaryWatch(BrokerFailover owner, bool onSecondary, long lastProbe)
    {
        private long _lastProbe = lastProbe;

        /// <summary>
        /// True once the primary is back: a side client connected, subscribed, published and received through it within
        /// the connect timeout. A primary that merely accepts TCP is not back.
        /// </summary>
        public async Task<bool> PrimaryIsBackAsync(Func<BrokerTarget, CancellationToken, Task<ProbeResult>> probe, CancellationToken sessionOver)
        {
            if (!onSecondary || owner._time.GetElapsedTime(_lastProbe) < TimeSpan.FromSeconds(owner._primary.Options.PrimaryProbeSeconds))
            {
                return false;
            }

            var result = await probe(owner._primary, sessionOver);
            _lastProbe = owner._time.GetTimestamp();
            if (!result.Passed)
            {
                return false;
            }

            owner.FailBack();
            return true;
        }
    }
}
