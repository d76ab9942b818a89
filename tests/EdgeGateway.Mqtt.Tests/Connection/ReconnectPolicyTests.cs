using EdgeGateway.Mqtt.Connection;

namespace EdgeGateway.Mqtt.Tests.Connection;

public sealed class ReconnectPolicyTests
{
    [Fact]
    public void Delays_DoubleWithJitterInTheirUpperHalf_UpToTheCeiling_AndResetStartsOver()
    {
        var policy = new ReconnectPolicy(new MqttOptions { ReconnectDelayMs = 1000, ReconnectMaxDelaySeconds = 30 }, new Random(7));
        double[] ceilings = [1, 2, 4, 8, 16, 30, 30, 30];

        foreach (var ceiling in ceilings)
        {
            Assert.InRange(policy.NextDelay().TotalSeconds, ceiling / 2, ceiling);
        }

        Assert.Equal(ceilings.Length, policy.Failures);
        policy.Reset();
        Assert.InRange(policy.NextDelay().TotalSeconds, 0.5, 1);
    }

    [Fact]
    public void ManyFailures_NeverOverflowTheCeiling()
    {
        var policy = new ReconnectPolicy(new MqttOptions { ReconnectDelayMs = 60_000, ReconnectMaxDelaySeconds = 3600 }, new Random(7));
        for (var i = 0; i < 1000; i++)
        {
            Assert.InRange(policy.NextDelay(), TimeSpan.Zero, TimeSpan.FromHours(1));
        }
    }
}
