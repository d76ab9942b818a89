using EdgeGateway.Center.Tickets;

namespace EdgeGateway.IntegrationTests.CenterRecords;

public sealed class TicketServiceTests : IDisposable
{
    private readonly CenterRecordsRig _rig = new();

    private TicketService Tickets => _rig.Records.Tickets;

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void Fault_GoesDiscoveredAcknowledgedRectifiedVerified_AndTheHistorySaysWhoAndWhen()
    {
        var opened = Tickets.OnFault(_rig.Fault("gate-duty", "duty-missed", "active", "Gatehouse"))!;
        Assert.Equal(TicketState.Discovered, opened.State);

        _rig.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(TicketState.Acknowledged, Tickets.Acknowledge(opened.Id, "duty-officer")!.State);
        _rig.Time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(TicketService.GatewayRestore, Tickets.OnFault(_rig.Fault("gate-duty", "duty-missed", "restored"))!.RectifiedBy);
        Assert.Single(Tickets.Open());

        _rig.Time.Advance(TimeSpan.FromMinutes(5));
        var verified = Assert.Single(Tickets.OnProven("test-school", "gw1", "gate-duty"));
        Assert.Equal(TicketState.Verified, verified.State);
        Assert.Equal(TicketService.TestPress, verified.VerifiedBy);
        Assert.Empty(Tickets.Open());

        var csv = Tickets.HistoryCsv(_rig.Time.GetUtcNow().AddDays(-1), _rig.Time.GetUtcNow().AddDays(1)).Split("\r\n");
        Assert.StartsWith("id,site,gateway,source,fault", csv[0], StringComparison.Ordinal);
        Assert.Matches("^1,test-school,gw1,gate-duty,duty-missed,Gatehouse,verified,.*,2026-11-29T08:00:00.000Z,2026-11-29T08:02:00.000Z,duty-officer,2026-11-29T08:05:00.000Z,gateway restore,2026-11-29T08:10:00.000Z,test press,$", csv[1]);
    }

    [Fact]
    public void ARepeatBeforeTheRestore_IsNotedOnTheTicket_OneAfterOpensAnother()
    {
        var first = Tickets.OnFault(_rig.Fault("night", "patrol-missed", "active"))!;
        Assert.Equal(first.Id, Tickets.OnFault(_rig.Fault("night", "patrol-missed", "active"))!.Id);
        Assert.Contains("reported again", Tickets.Get(first.Id)!.Notes, StringComparison.Ordinal);

        Tickets.OnFault(_rig.Fault("night", "patrol-missed", "restored"));
        var second = Tickets.OnFault(_rig.Fault("night", "patrol-missed", "active"))!;

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(2, Tickets.Open().Count);
    }

    [Fact]
    public void ATestPress_DoesNotVerifyAFaultNotYetRectified_AnOperatorCanCloseIt()
    {
        var tamper = Tickets.OnFault(_rig.Fault("back-door", "flapping", "active"))!;
        Assert.Empty(Tickets.OnProven("test-school", "gw1", "back-door"));

        Assert.Equal(TicketState.Verified, Tickets.Verify(tamper.Id, "duty-officer", "cable replaced, walked")!.State);
        Assert.Contains("duty-officer: cable replaced, walked", Tickets.Get(tamper.Id)!.Notes, StringComparison.Ordinal);
        Assert.Null(Tickets.Verify(tamper.Id, "duty-officer", null));
    }

    [Fact]
    public void OpenTickets_SurviveARestartOfTheCenter_WithTheirAge()
    {
        Tickets.OnFault(_rig.Fault("night", "patrol-missed", "active"));
        _rig.Records.Tickets.Acknowledge(1, "duty-officer");

        _rig.Restart();
        _rig.Time.Advance(TimeSpan.FromHours(3));

        var (ticket, age) = Assert.Single(_rig.Records.Tickets.Open());
        Assert.Equal(("night", TicketState.Acknowledged, "duty-officer"), (ticket.Source, ticket.State, ticket.AcknowledgedBy));
        Assert.Equal(TimeSpan.FromHours(3), age);
    }
}
