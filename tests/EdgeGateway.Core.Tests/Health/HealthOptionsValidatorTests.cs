using EdgeGateway.Core.Health;

namespace EdgeGateway.Core.Tests.Health;

public sealed class HealthOptionsValidatorTests
{
    [Theory]
    [InlineData(5)]
    [InlineData(60)]
    [InlineData(3600)]
    public void Validate_IntervalInRange_Succeeds(int seconds)
    {
        Assert.True(new HealthOptionsValidator().Validate(null, new HealthOptions { IntervalSeconds = seconds }).Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(3601)]
    public void Validate_IntervalOutOfRange_FailsNamingTheKey(int seconds)
    {
        var result = new HealthOptionsValidator().Validate(null, new HealthOptions { IntervalSeconds = seconds });

        Assert.Equal([$"Health:IntervalSeconds: {seconds} is outside 5-3600"], result.Failures);
    }

    [Fact]
    public void Default_IsOneMinute()
    {
        Assert.Equal(60, new HealthOptions().IntervalSeconds);
    }
}
