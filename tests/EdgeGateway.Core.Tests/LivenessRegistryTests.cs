using EdgeGateway.Core.Health;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests;

public sealed class LivenessRegistryTests
{
    [Fact]
    public void IsAlive_BeatWithinTheWindow_True_OlderOrNever_False()
    {
        var time = new FakeTimeProvider();
        var registry = new LivenessRegistry(time);

        Assert.False(registry.IsAlive(LivenessRegistry.Inputs, TimeSpan.FromSeconds(10)));
        Assert.Null(registry.SinceLastBeat(LivenessRegistry.Inputs));

        registry.Beat(LivenessRegistry.Inputs);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(registry.IsAlive(LivenessRegistry.Inputs, TimeSpan.FromSeconds(10)));

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(registry.IsAlive(LivenessRegistry.Inputs, TimeSpan.FromSeconds(10)));
        Assert.False(registry.IsAlive(LivenessRegistry.Forwarder, TimeSpan.FromSeconds(10)));
    }
}
