using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Core.Tests.Inputs;

public sealed class SwingerGuardTests
{
    private static readonly InputOptions s_options = new() { Id = "gate-door", Pin = 22, MaxActivations = 3, SwingerWindowSeconds = 10, SwingerQuietSeconds = 60 };

    [Fact]
    public void RecordActivation_NthWithinWindow_TripsOnce()
    {
        var sut = new SwingerGuard(s_options);

        var trips = Enumerable.Range(0, 6).Select(i => sut.RecordActivation(TimeSpan.FromSeconds(i))).ToList();

        Assert.Equal([false, false, true, false, false, false], trips);
        Assert.True(sut.IsTripped);
    }

    [Fact]
    public void RecordActivation_OldActivationsOutsideWindow_AreForgotten()
    {
        var sut = new SwingerGuard(s_options);

        sut.RecordActivation(TimeSpan.FromSeconds(0));
        sut.RecordActivation(TimeSpan.FromSeconds(5));

        Assert.False(sut.RecordActivation(TimeSpan.FromSeconds(10)));
        Assert.True(sut.RecordActivation(TimeSpan.FromSeconds(11)));
    }

    [Fact]
    public void TryReset_ActivationDuringQuietPeriod_RestartsIt()
    {
        var sut = new SwingerGuard(s_options);
        for (var i = 0; i < 3; i++)
        {
            sut.RecordActivation(TimeSpan.FromSeconds(i));
        }

        sut.RecordActivation(TimeSpan.FromSeconds(30));

        Assert.False(sut.TryReset(TimeSpan.FromSeconds(62)));
        Assert.Equal(TimeSpan.FromSeconds(90), sut.NextDeadline);
        Assert.True(sut.TryReset(TimeSpan.FromSeconds(90)));
        Assert.False(sut.IsTripped);
        Assert.Null(sut.NextDeadline);
    }
}
