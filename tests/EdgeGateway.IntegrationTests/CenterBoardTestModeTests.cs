using System.Text;
using EdgeGateway.Center.Board;

namespace EdgeGateway.IntegrationTests;

/// <summary>The center's board reads test mode from a gateway's health: which inputs, which were made real, until when.</summary>
public sealed class CenterBoardTestModeTests
{
    private const string Base = """{"v":1,"ts":"2026-11-29T05:37:41.746Z","outbox":{},"broker":"primary","awaitingAck":0,"lastAckLatencyMs":null,""";

    [Fact]
    public void TestModeOn_ForNamedInputs_WithOneMadeReal_IsOnTheBoard()
    {
        var health = GatewayHealth.TryParse(Encoding.UTF8.GetBytes(Base + """
            "testMode":true,"testModeSince":"2026-11-29T05:30:00.000Z","testModeUntil":"2026-11-29T05:45:00.000Z","testModeInputs":["office-panic","gym-panic"],"testModeReleased":["gym-panic"]}
            """));

        Assert.True(health!.TestMode);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 5, 45, 0, TimeSpan.Zero), health.TestModeUntil);
        Assert.Equal("office-panic,gym-panic, real: gym-panic", health.TestModeInputs);
    }

    [Fact]
    public void TestModeOn_ForEveryInput_SaysAll()
    {
        var health = GatewayHealth.TryParse(Encoding.UTF8.GetBytes(Base + """
            "testMode":true,"testModeUntil":"2026-11-29T05:45:00.000Z","testModeInputs":null,"testModeReleased":[]}
            """));

        Assert.Equal("all", health!.TestModeInputs);
    }

    [Fact]
    public void TestModeOff_HasNoDetail()
    {
        var health = GatewayHealth.TryParse(Encoding.UTF8.GetBytes(Base + """
            "testMode":false,"testModeUntil":null,"testModeInputs":null,"testModeReleased":[]}
            """));

        Assert.False(health!.TestMode);
        Assert.Null(health.TestModeUntil);
        Assert.Null(health.TestModeInputs);
    }
}
