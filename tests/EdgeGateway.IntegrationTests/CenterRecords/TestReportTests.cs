using EdgeGateway.Center.TestRecords;

namespace EdgeGateway.IntegrationTests.CenterRecords;

public sealed class TestReportTests : IDisposable
{
    private static readonly TimeSpan s_overdue = TimeSpan.FromDays(90);

    private readonly CenterRecordsRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void Report_ListsProvenCurrentAndOverdueInputs_WithMedianAndWorstRoundTrip()
    {
        _rig.Status(("office-panic", "panic"), ("gym-smoke", "smoke"), ("lab-panic", "panic"), ("old-panic", "panic"), ("gate-duty", "duty"));
        var now = _rig.Time.GetUtcNow().AddDays(101);
        Test("old-panic", "panic", now.AddDays(-100), roundTripMs: 900);
        Test("lab-panic", "panic", now.AddDays(-40), roundTripMs: 800);
        Test("office-panic", "panic", now.AddDays(-2), roundTripMs: 300);
        Test("gym-smoke", "smoke", now.AddDays(-1), roundTripMs: 100);
        Test("office-panic", "panic", now.AddHours(-1), roundTripMs: 200);
        _rig.Time.SetUtcNow(now);

        var report = TestReport.Build(_rig.Records.Tests, "test-school", now.AddDays(-30), now.AddMinutes(1), s_overdue);

        Assert.Equal(
            [("gate-duty", ProofStatus.Overdue), ("gym-smoke", ProofStatus.Proven), ("lab-panic", ProofStatus.Current), ("office-panic", ProofStatus.Proven), ("old-panic", ProofStatus.Overdue)],
            report.Lines.Select(l => (l.Input.Input, l.Status)));
        Assert.Equal((3, 200L, 300L), (report.Tests, report.MedianRoundTripMs!.Value, report.WorstRoundTripMs!.Value));
        var office = report.Lines.Single(l => l.Input.Input == "office-panic");
        Assert.Equal((2, 250L, 300L, "duty-officer"), (office.TestsInPeriod, office.MedianRoundTripMs!.Value, office.WorstRoundTripMs!.Value, office.LastTestedBy!));

        var csv = report.ToCsv().Split("\r\n");
        Assert.Equal("test-school,gw1,old-panic,panic,old-panic room,overdue,2026-11-30T08:00:00.000Z,duty-officer,0,,", csv[5]);
        Assert.StartsWith("test-school,,(all),", csv[6], StringComparison.Ordinal);
        Assert.EndsWith(",3,200,300", csv[6], StringComparison.Ordinal);
        var html = report.ToHtml();
        Assert.StartsWith("<section class=\"test-report\" data-site=\"test-school\">", html, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"overdue\"><td>gw1</td><td>gate-duty</td>", html, StringComparison.Ordinal);
        Assert.Contains("2 proven, 2 overdue (no test in 90 days) of 5 inputs; 3 tests, round trip median 200 ms, worst 300 ms.", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_EncodesWhatTheGatewaySent()
    {
        _rig.Records.Tests.OnStatus("test-school/gw1", """{"state":"online","inputs":[{"id":"x","kind":"panic","location":"<script>alert(1)</script>"}]}"""u8);

        var html = TestReport.Build(_rig.Records.Tests, "test-school", _rig.Time.GetUtcNow().AddDays(-1), _rig.Time.GetUtcNow(), s_overdue).ToHtml();

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ARedeliveredTestEvent_IsRecordedOnce()
    {
        var press = _rig.Press("office-panic", "panic", test: true);
        _rig.Records.Tests.Record(press, "duty-officer");
        _rig.Records.Tests.Record(press, "someone-else");

        var report = TestReport.Build(_rig.Records.Tests, "test-school", _rig.Time.GetUtcNow().AddDays(-1), _rig.Time.GetUtcNow().AddMinutes(1), s_overdue);
        Assert.Equal((1, "duty-officer"), (report.Tests, report.Lines.Single().LastTestedBy!));
    }

    /// <summary>A test press at <paramref name="at"/> (later than the clock), and the gateway's health saying its round trip was <paramref name="roundTripMs"/>.</summary>
    private void Test(string input, string kind, DateTimeOffset at, long roundTripMs)
    {
        _rig.Time.SetUtcNow(at);
        var press = _rig.Press(input, kind, test: true);
        _rig.Records.Tests.Record(press, "duty-officer");
        Assert.Equal(1, _rig.Records.Tests.OnProven("test-school/gw1", [(input, press.Timestamp, roundTripMs), ("other", null, null)]));
    }
}
