using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Core.Tests.Inputs;

public sealed class GpioOptionsValidatorTests
{
    private static readonly GpioOptionsValidator s_sut = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = s_sut.Validate(null, new GpioOptions());

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData("simulated")]
    [InlineData("libgpiod")]
    [InlineData("Simulated")]
    public void Validate_KnownDriver_Succeeds(string driver)
    {
        Assert.True(s_sut.Validate(null, new GpioOptions { Driver = driver }).Succeeded);
    }

    [Fact]
    public void Validate_UnknownDriver_NamesTheKeyAndTheChoices()
    {
        var result = s_sut.Validate(null, new GpioOptions { Driver = "foo" });

        Assert.True(result.Failed);
        Assert.Contains("Gpio:Driver: 'foo' is not one of libgpiod, simulated", result.Failures!);
    }

    [Fact]
    public void Validate_NegativeChip_NamesTheKey()
    {
        var result = s_sut.Validate(null, new GpioOptions { Chip = -1 });

        Assert.Contains(result.Failures!, f => f.StartsWith("Gpio:Chip:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SocketPathTooLong_NamesTheKey()
    {
        var result = s_sut.Validate(null, new GpioOptions { Driver = "simulated", SimSocket = "/tmp/" + new string('x', 120) });

        Assert.Contains(result.Failures!, f => f.StartsWith("Gpio:SimSocket:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(1001)]
    [InlineData(600_000)]
    public void Validate_PollIntervalOutside10To1000_NamesTheKeyAndTheRange(int pollMs)
    {
        var result = s_sut.Validate(null, new GpioOptions { PollIntervalMs = pollMs });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith($"Gpio:PollIntervalMs: {pollMs} is outside 10-1000 (", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(1000)]
    public void Validate_PollIntervalAtTheBounds_Succeeds(int pollMs) =>
        Assert.True(s_sut.Validate(null, new GpioOptions { PollIntervalMs = pollMs }).Succeeded);
}
