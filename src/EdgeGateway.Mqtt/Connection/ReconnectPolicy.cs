namespace EdgeGateway.Mqtt.Connection;

/// <summary>
/// Capped, jittered exponential backoff between connect attempts (MQTTnet 5 has no managed client): the delay doubles
/// from <see cref="MqttOptions.ReconnectDelayMs"/> up to <see cref="MqttOptions.ReconnectMaxDelaySeconds"/>, and each
/// delay is drawn from its upper half, so a campus of gateways does not reconnect in lockstep after a broker restart.
/// </summary>
internal sealed class ReconnectPolicy(MqttOptions options, Random random)
{
    private readonly TimeSpan _first = TimeSpan.FromMilliseconds(options.ReconnectDelayMs);
    private readonly TimeSpan _max = TimeSpan.FromSeconds(options.ReconnectMaxDelaySeconds);
    private int _failures;

    public ReconnectPolicy(MqttOptions options)
        : this(options, Random.Shared)
    {
    }

    /// <summary>Failed attempts since the last <see cref="Reset"/>.</summary>
    public int Failures => _failures;

    /// <summary>The delay after one more failed attempt.</summary>
    public TimeSpan NextDelay()
    {
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var ceiling = TimeSpan.FromTicks((long)Math.Min(_first.Ticks * Math.Pow(2, exponent), _max.Ticks));
        return (ceiling / 2) + (ceiling / 2 * random.NextDouble());
    }

    /// <summary>A connect succeeded, or the target broker changed: start again from the first delay.</summary>
    public void Reset() => _failures = 0;
}
