using EdgeGateway.Core.Downlink.Commands;

namespace EdgeGateway.Core.Tests.Downlink.Commands;

public sealed class CommandOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(new CommandOptionsValidator().Validate(null, new CommandOptions()).Succeeded);
    }

    [Fact]
    public void BadValues_NameTheirKeys()
    {
        var result = new CommandOptionsValidator().Validate(null, new CommandOptions
        {
            MaxPayloadBytes = 10,
            MaxAgeSeconds = 0,
            TestModeDefaultSeconds = 20_000,
            TestModeMaxSeconds = 14_400,
            QueueCapacity = 0,
            MaxPerMinute = 0,
        });

        Assert.True(result.Failed);
        Assert.Equal(
            ["Commands:MaxPayloadBytes", "Commands:MaxAgeSeconds", "Commands:TestModeDefaultSeconds", "Commands:QueueCapacity", "Commands:MaxPerMinute"],
            result.Failures!.Select(f => f[..f.IndexOf(':', "Commands:".Length)]));
    }

    [Fact]
    public void TestModeAndIdMemoryLimits_AreRangeChecked_NamingTheirKeys()
    {
        var result = new CommandOptionsValidator().Validate(null, new CommandOptions
        {
            TestModeMaxSeconds = 6 * 3600 + 1,
            TestModePanicHoldSeconds = 1,
            RememberedIds = 5000,
            RememberedIdHours = 0,
        });

        Assert.Equal(
            ["Commands:TestModeMaxSeconds", "Commands:TestModePanicHoldSeconds", "Commands:RememberedIds", "Commands:RememberedIdHours"],
            result.Failures!.Select(f => f[..f.IndexOf(':', "Commands:".Length)]));
    }
}
