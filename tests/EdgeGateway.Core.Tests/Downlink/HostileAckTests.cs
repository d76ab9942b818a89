using System.Text;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Tests.Rigs;

namespace EdgeGateway.Core.Tests.Downlink;

/// <summary>Acks from a hostile or broken broker: capped before they cost anything, counted, and logged once a minute.</summary>
public sealed class HostileAckTests : IDisposable
{
    private const int DownlinkProblemEventId = 1005;

    private readonly AckRig _rig = new();

    [Fact]
    public void AnIdLongerThanTheCap_IsMalformed_AndNotLookedUp()
    {
        var id = new string('a', AckMessage.MaxIdLength + 1);
        _rig.Publish(id[..AckMessage.MaxIdLength]);

        _rig.Acks.OnAckMessage(Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","by":"x"}"""));

        Assert.Equal(1, _rig.Problems.Counts.MalformedAcks);
        Assert.Equal(0, _rig.Problems.Counts.UnknownAcks);
        Assert.Equal(1, _rig.Acks.Outstanding);
    }

    [Fact]
    public void AnIdAtTheCap_IsLookedUp()
    {
        var id = new string('a', AckMessage.MaxIdLength);
        _rig.Publish(id);

        _rig.Acks.OnAckMessage(Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","by":"x"}"""));

        Assert.Equal(0, _rig.Acks.Outstanding);
    }

    [Fact]
    public void APayloadOverTheCap_IsRefusedUnparsed()
    {
        _rig.Publish("alarm-1");
        var padded = $$"""{"id":"alarm-1","by":"x","pad":"{{new string(' ', AckMessage.MaxPayloadBytes)}}"}""";

        _rig.Acks.OnAckMessage(Encoding.UTF8.GetBytes(padded));

        Assert.Equal(1, _rig.Acks.Outstanding);
        Assert.Equal(1, _rig.Problems.Counts.MalformedAcks);
    }

    [Fact]
    public void AFloodOfUnknownIds_IsCounted_AndLoggedOnceAMinute_WithHowManyWereLeftOut()
    {
        for (var i = 0; i < 5000; i++)
        {
            _rig.Acks.OnAckMessage(Encoding.UTF8.GetBytes($$"""{"id":"forged-{{i}}","by":"x"}"""));
        }

        var firstMinute = Lines();
        _rig.Time.Advance(TimeSpan.FromSeconds(59));
        _rig.Acks.OnAckMessage("""{"id":"forged-late","by":"x"}"""u8);
        var withinTheMinute = Lines();
        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        _rig.Acks.OnAckMessage("""{"id":"forged-next","by":"x"}"""u8);

        Assert.Equal(5002, _rig.Problems.Counts.UnknownAcks);
        Assert.Single(firstMinute);
        Assert.Single(withinTheMinute);
        var next = Lines()[1];
        Assert.Contains("forged-next", next, StringComparison.Ordinal);
        Assert.Contains("5000 more of this kind", next, StringComparison.Ordinal);
    }

    [Fact]
    public void AControlCharacterInAnId_IsNotWrittenToTheLog()
    {
        _rig.Acks.OnAckMessage("""{"id":"fake\nCRITICAL escalation ended","by":"x"}"""u8);

        Assert.DoesNotContain('\n', Lines()[0]);
    }

    public void Dispose() => _rig.Dispose();

    private List<string> Lines() => [.. _rig.ProblemLog.Records.Where(r => r.EventId.Id == DownlinkProblemEventId).Select(r => r.Message)];
}
