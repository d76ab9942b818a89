using EdgeGateway.Core.Downlink.Commands;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Downlink.Commands;

public sealed class CommandRateLimitTests
{
    [Fact]
    public void Burst_ThenTheSustainedRate()
    {
        var time = new FakeTimeProvider();
        var limit = new CommandRateLimit(burst: 4, perMinute: 60, time);

        var burst = Enumerable.Range(0, 10).Count(_ => limit.TryTake());
        time.Advance(TimeSpan.FromSeconds(3));
        var afterThreeSeconds = Enumerable.Range(0, 10).Count(_ => limit.TryTake());
        time.Advance(TimeSpan.FromMinutes(10));
        var afterAPause = Enumerable.Range(0, 10).Count(_ => limit.TryTake());

        Assert.Equal(4, burst);
        Assert.Equal(3, afterThreeSeconds);
        Assert.Equal(4, afterAPause);
    }
}
