using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Core.Tests.Configuration;

public class GatewayOptionsValidatorTests
{
    private readonly GatewayOptionsValidator _validator = new();

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        // Arrange
        var options = new GatewayOptions { SiteId = "north-campus", GatewayId = "gw_01" };

        // Act
        var result = _validator.Validate(null, options);

        // Assert
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("North-Campus")]
    [InlineData("north campus")]
    [InlineData("north/campus")]
    [InlineData("north#")]
    [InlineData("校区")]
    public void Validate_SiteIdWithBadCharacters_FailsWithSiteIdKey(string siteId)
    {
        // Arrange
        var options = new GatewayOptions { SiteId = siteId, GatewayId = "gw-01" };

        // Act
        var result = _validator.Validate(null, options);

        // Assert
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Gateway:SiteId:", failure, StringComparison.Ordinal);
        Assert.Contains($"'{siteId}'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IdsAndDataDirectoryMissing_ReportsEachKey()
    {
        // Arrange
        var options = new GatewayOptions { SiteId = "", GatewayId = " ", DataDirectory = "" };

        // Act
        var result = _validator.Validate(null, options);

        // Assert
        Assert.Equal(
            ["Gateway:SiteId: is required", "Gateway:GatewayId: is required", "Gateway:DataDirectory: is required"],
            result.Failures);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("site-01_b", true)]
    [InlineData("", false)]
    [InlineData("UPPER", false)]
    [InlineData("a.b", false)]
    public void IsTopicSegment_Value_AcceptsOnlyLowerDigitsDashUnderscore(string value, bool expected)
    {
        // Arrange, Act
        var result = ConfigErrors.IsTopicSegment(value);

        // Assert
        Assert.Equal(expected, result);
    }

    [Fact]
    public void IsTopicSegment_LongerThan64_IsRejected()
    {
        // Arrange
        var atLimit = new string('a', 64);
        var overLimit = new string('a', 65);

        // Act, Assert
        Assert.True(ConfigErrors.IsTopicSegment(atLimit));
        Assert.False(ConfigErrors.IsTopicSegment(overLimit));
    }
}
