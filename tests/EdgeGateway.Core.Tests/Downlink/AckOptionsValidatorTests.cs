using EdgeGateway.Core.Downlink;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Core.Tests.Downlink;

public sealed class AckOptionsValidatorTests
{
    private static readonly AckOptionsValidator s_sut = new(new ConfigurationBuilder().Build());

    [Theory]
    [InlineData(0, 30, "Acks:TimeoutSeconds: 0 is outside 1-600")]
    [InlineData(601, 30, "Acks:TimeoutSeconds: 601 is outside 1-600")]
    [InlineData(20, 0, "Acks:AckedIndicationSeconds: 0 is outside 1-3600")]
    public void AckTimes_OutOfRange_NameTheKey(int ackTimeout, int indication, string expected)
    {
        var result = s_sut.Validate(null, new AckOptions { TimeoutSeconds = ackTimeout, AckedIndicationSeconds = indication });

        Assert.Equal([expected], result.Failures);
    }

    [Fact]
    public void AckDefaults_AreValid()
    {
        var options = new AckOptions();

        Assert.True(s_sut.Validate(null, options).Succeeded);
        Assert.Equal(20, options.TimeoutSeconds);
        Assert.Equal(30, options.AckedIndicationSeconds);
    }

    [Fact]
    public void FormerFeedbackSection_IsRefused_NamingWhereEachKeyMoved()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feedback:AckTimeoutSeconds"] = "20",
            ["Feedback:AckedIndicationSeconds"] = "30",
        }).Build();

        var result = new AckOptionsValidator(configuration).Validate(null, new AckOptions());

        Assert.Equal(
            ["Feedback:AckedIndicationSeconds: has moved to Acks:AckedIndicationSeconds", "Feedback:AckTimeoutSeconds: has moved to Acks:TimeoutSeconds"],
            result.Failures);
    }
}
