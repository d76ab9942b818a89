using EdgeGateway.Core.Tests.Support;
using EdgeGateway.Core.Uplink;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Uplink;

public class TopicSchemeTests
{
    private readonly TopicScheme _topics = new(TestIdentity.Create(new FakeTimeProvider()));

    [Fact]
    public void Base_Identity_IsRootSiteGateway()
    {
        // Arrange, Act
        var topicBase = _topics.Base;

        // Assert
        Assert.Equal("campus/v1/north-campus/gw-01", topicBase);
    }

    [Fact]
    public void Topics_Identity_AreUnderBase()
    {
        // Arrange, Act
        string[] topics = [_topics.Alarm, _topics.Event, _topics.Status, _topics.Ack];

        // Assert
        Assert.Equal(
            [
                "campus/v1/north-campus/gw-01/alarm",
                "campus/v1/north-campus/gw-01/event",
                "campus/v1/north-campus/gw-01/status",
                "campus/v1/north-campus/gw-01/ack",
            ],
            topics);
    }

    [Theory]
    [InlineData("alarm")]
    [InlineData("event")]
    public void For_TopicLeaf_MatchesNamedTopic(string leaf)
    {
        // Arrange
        var expected = leaf == "alarm" ? _topics.Alarm : _topics.Event;

        // Act
        var topic = _topics.For(leaf);

        // Assert
        Assert.Equal(expected, topic);
    }
}
