using EdgeGateway.Mqtt.Connection;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Mqtt.Tests.Connection;

public sealed class BrokerFailoverTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void WithoutASecondary_ThePrimaryIsAlwaysTheTarget()
    {
        var failover = new BrokerFailover(Options(secondary: false), _time);
        var target = failover.NextTarget();
        failover.ConnectFailed(target, _time.GetTimestamp());
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(BrokerFailover.Primary, failover.NextTarget().Name);
        Assert.Null(failover.UntilSwitch());
    }

    [Fact]
    public void APrimaryThatStalls_CountsFromTheStartOfItsFirstAttempt_AndLeadsToTheSecondaryAfterFailoverAfterSeconds()
    {
        var failover = new BrokerFailover(Options(), _time);
        var primary = failover.NextTarget();
        var started = _time.GetTimestamp();
        // One connect timeout without a CONNACK.
        _time.Advance(TimeSpan.FromSeconds(10));
        failover.ConnectFailed(primary, started);

        Assert.Equal(TimeSpan.FromSeconds(20), failover.UntilSwitch());
        _time.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(BrokerFailover.Primary, failover.NextTarget().Name);
        _time.Advance(TimeSpan.FromSeconds(1));
        var next = failover.NextTarget();
        Assert.Equal(BrokerFailover.Secondary, next.Name);
        Assert.Equal(2883, next.Options.Port);
    }

    [Fact]
    public void ASessionLostOnThePrimary_StartsTheClock()
    {
        var failover = new BrokerFailover(Options(), _time);
        failover.Connected(failover.NextTarget());
        Assert.Null(failover.UntilSwitch());

        failover.SessionLost();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(BrokerFailover.Secondary, failover.NextTarget().Name);
    }

    [Fact]
    public void ACompleteConnect_ResetsTheClock()
    {
        var failover = new BrokerFailover(Options(), _time);
        var primary = failover.NextTarget();
        failover.ConnectFailed(primary, _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(29));
        failover.Connected(primary);
        _time.Advance(TimeSpan.FromSeconds(29));

        Assert.Equal(BrokerFailover.Primary, failover.NextTarget().Name);
    }

    [Fact]
    public void ASecondaryThatFailsAsLong_LeadsBackToThePrimary()
    {
        var failover = new BrokerFailover(Options(), _time);
        failover.ConnectFailed(failover.NextTarget(), _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(30));
        var secondary = failover.NextTarget();
        Assert.True(secondary.IsSecondary);

        failover.ConnectFailed(secondary, _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(BrokerFailover.Primary, failover.NextTarget().Name);
    }

    [Fact]
    public async Task OnTheSecondary_OnlyAPassedRoundTripProbe_TakesTheGatewayBack()
    {
        var failover = new BrokerFailover(Options(), _time);
        failover.ConnectFailed(failover.NextTarget(), _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(30));
        failover.Connected(failover.NextTarget());
        var watch = failover.WatchPrimary();
        var probes = 0;
        var primaryAnswers = false;
        Task<ProbeResult> Probe(BrokerTarget target, CancellationToken cancellationToken)
        {
            Assert.Equal(BrokerFailover.Primary, target.Name);
            probes++;
            return Task.FromResult(new ProbeResult(primaryAnswers, primaryAnswers ? "round trip" : "no CONNACK"));
        }

        Assert.False(await watch.PrimaryIsBackAsync(Probe, CancellationToken.None));
        Assert.Equal(0, probes);
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.False(await watch.PrimaryIsBackAsync(Probe, CancellationToken.None));
        Assert.Equal(1, probes);
        Assert.True(failover.NextTarget().IsSecondary);

        primaryAnswers = true;
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(await watch.PrimaryIsBackAsync(Probe, CancellationToken.None));
        Assert.Equal(BrokerFailover.Primary, failover.NextTarget().Name);
    }

    [Fact]
    public async Task OnThePrimary_TheWatchNeverProbes()
    {
        var failover = new BrokerFailover(Options(), _time);
        failover.Connected(failover.NextTarget());
        var watch = failover.WatchPrimary();
        _time.Advance(TimeSpan.FromHours(1));

        Assert.False(await watch.PrimaryIsBackAsync((_, _) => throw new InvalidOperationException("probed"), CancellationToken.None));
    }

    private static MqttOptions Options(bool secondary = true) => new()
    {
        Host = "primary.example",
        Port = 1883,
        FailoverAfterSeconds = 30,
        PrimaryProbeSeconds = 15,
        Secondary = secondary ? new MqttEndpoint { Host = "secondary.example", Port = 2883 } : null,
    };
}
