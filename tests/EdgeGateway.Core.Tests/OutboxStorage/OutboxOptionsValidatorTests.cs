using EdgeGateway.Core.Outbox;

namespace EdgeGateway.Core.Tests.OutboxStorage;

public sealed class OutboxOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() => Assert.True(new OutboxOptionsValidator().Validate(null, new OutboxOptions()).Succeeded);

    [Theory]
    [InlineData(99, 24, 20_000, "Outbox:MaxEntries: 99 is outside 100-2000000 (about 1 GB of the SD card at the most)")]
    [InlineData(2_000_001, 24, 20_000, "Outbox:MaxEntries: 2000001 is outside 100-2000000 (about 1 GB of the SD card at the most)")]
    [InlineData(200_000, double.NaN, 20_000, "Outbox:TelemetryTtlHours: NaN is outside 0-8760 (0 = never)")]
    [InlineData(200_000, -1, 20_000, "Outbox:TelemetryTtlHours: -1 is outside 0-8760 (0 = never)")]
    [InlineData(200_000, 24, 99, "Outbox:MaxUnwrittenEntries: 99 is outside 100-1000000 (about 1 GB of memory at the most)")]
    public void Validate_NumberOutsideItsRange_NamesTheKeyAndTheRange(int maxEntries, double ttlHours, int maxUnwritten, string expected)
    {
        var result = new OutboxOptionsValidator().Validate(null, new OutboxOptions { MaxEntries = maxEntries, TelemetryTtlHours = ttlHours, MaxUnwrittenEntries = maxUnwritten });

        Assert.Equal([expected], result.Failures);
    }
}
