using System.Text.Json;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests;

public sealed class EventPayloadTests
{
    private static readonly GatewayIdentity s_identity = new("s1", "gw1", new FakeTimeProvider());

    [Fact]
    public void Serialize_WalkTestEvent_CarriesTestTrue_AnOrdinaryEventHasNoTestField()
    {
        var draft = new EventDraft("id-1", "office-panic", EventKind.Panic, EventState.Active, new FakeTimeProvider().GetUtcNow(), true, "here");

        var ordinary = JsonDocument.Parse(EventPayload.Serialize(draft, 1, s_identity)).RootElement;
        var test = JsonDocument.Parse(EventPayload.Serialize(draft with { Test = true }, 2, s_identity)).RootElement;

        Assert.False(ordinary.TryGetProperty("test", out _));
        Assert.True(test.GetProperty("test").GetBoolean());
    }
}
