using System.Net;
using System.Text.Json;
using EdgeGateway.Center;
using EdgeGateway.TestKit;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests.WebBoard;

/// <summary>
/// The board's tickets and test-report pages (<c>--http</c> with <c>--db</c>): a fault a gateway publishes opens a
/// ticket the signed-in operator takes through its steps, the history and the report download as CSV.
/// </summary>
public sealed class RecordPagesTests(ITestOutputHelper output)
{
    private const string Site = "record-school";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private long _seq;

    [Fact]
    public async Task TicketAndReportEndpoints_AnswerOnlyASignedInOperator()
    {
        await using var rig = await BoardRig.StartAsync(TimeProvider.System, withRecords: true);
        using var http = new HttpClient();
        foreach (var path in new[] { "api/tickets", "api/tickets.csv", $"api/report?site={Site}", $"api/report.csv?site={Site}" })
        {
            using var response = await http.GetAsync(new Uri(rig.Board.Address, path));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var close = await http.PostAsync(new Uri(rig.Board.Address, "api/tickets/1/close"), new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, close.StatusCode);
    }

    [Fact]
    public async Task AFault_OpensATicket_TheOperatorAcknowledgesAndCloses_TheCsvsSayWhoAndListTheInput()
    {
        await using var rig = await BoardRig.StartAsync(TimeProvider.System, withRecords: true);
        await using var gateway = await StartGatewayAsync(rig);
        using var http = await SignedInClientAsync(rig);

        var ticket = await OpenTicketAsync(http, rig, gateway);
        Assert.Equal("discovered", ticket.GetProperty("state").GetString());
        Assert.Equal($"{Site}/gw1", ticket.GetProperty("gateway").GetString());
        Assert.Equal("gate-duty", ticket.GetProperty("source").GetString());
        Assert.Equal("duty-missed", ticket.GetProperty("fault").GetString());
        Assert.True(ticket.GetProperty("ageSeconds").GetInt64() >= 0);
        var id = ticket.GetProperty("id").GetInt64();

        var acked = await StepAsync(http, rig, id, "ack", HttpStatusCode.OK);
        Assert.Equal(BoardRig.OperatorName, acked.GetProperty("acknowledgedBy").GetString());
        // A step that does not apply to the ticket's state is refused, and changes nothing.
        Assert.Equal("acknowledged", (await StepAsync(http, rig, id, "ack", HttpStatusCode.Conflict)).GetProperty("state").GetString());
        Assert.Equal("verified", (await StepAsync(http, rig, id, "close", HttpStatusCode.OK)).GetProperty("state").GetString());
        using (var unknown = await http.PostAsync(new Uri(rig.Board.Address, $"api/tickets/{id}/reopen"), Json("{}")))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var noSuchTicket = await http.PostAsync(new Uri(rig.Board.Address, $"api/tickets/{id + 1}/ack"), Json("{}")))
        {
            Assert.Equal(HttpStatusCode.NotFound, noSuchTicket.StatusCode);
        }

        Assert.Empty(JsonDocument.Parse(await http.GetStringAsync(new Uri(rig.Board.Address, "api/tickets"))).RootElement.EnumerateArray());

        using var history = await http.GetAsync(new Uri(rig.Board.Address, "api/tickets.csv"));
        Assert.Equal("text/csv", history.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment", history.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var rows = (await history.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.StartsWith("id,site,gateway,source,fault", rows[0], StringComparison.Ordinal);
        Assert.Matches($"^{id},{Site},gw1,gate-duty,duty-missed,Gatehouse,verified,.*,{BoardRig.OperatorName},,,.*,{BoardRig.OperatorName},.*{BoardRig.OperatorName}: closed on the board; $", rows[1]);

        var report = await http.GetStringAsync(new Uri(rig.Board.Address, $"api/report.csv?site={Site}&from=2026-01-01"));
        Assert.StartsWith("site,gateway,input,kind,location,status", report, StringComparison.Ordinal);
        Assert.Contains($"{Site},gw1,office-panic,panic,Main office,overdue,", report, StringComparison.Ordinal);
        var html = await http.GetStringAsync(new Uri(rig.Board.Address, $"api/report?site={Site}"));
        Assert.Contains($"<section class=\"test-report\" data-site=\"{Site}\">", html, StringComparison.Ordinal);
        using var badPeriod = await http.GetAsync(new Uri(rig.Board.Address, $"api/report.csv?site={Site}&from=yesterday"));
        Assert.Equal(HttpStatusCode.BadRequest, badPeriod.StatusCode);
    }

    [Fact]
    [Trait("requires", "chromium")]
    public async Task AFaultShowsOnTheTicketsPage_AndIsClosedThere_TheReportPageListsTheInput()
    {
        await using var rig = await BoardRig.StartAsync(TimeProvider.System, withRecords: true);
        await using var gateway = await StartGatewayAsync(rig);
        using var browser = new Browser();
        await browser.SignInAsync(rig.Board.Address, BoardRig.OperatorName, BoardRig.Password);
        await browser.WaitForAsync($"tr[data-gateway='{Site}/gw1'][data-state='online']");
        (await browser.WaitForAsync("[data-page-button='tickets']")).Click();
        await browser.WaitForAsync("#no-tickets:not([hidden])");

        // Live: the page is open when the fault arrives.
        await PublishFaultAsync(gateway);
        var row = await browser.WaitForAsync("#tickets tr[data-ticket-id][data-state='discovered']");
        Assert.Contains("新发现", row.Text, StringComparison.Ordinal);
        Assert.Contains("Gatehouse", row.Text, StringComparison.Ordinal);
        Assert.Contains("duty-missed", row.Text, StringComparison.Ordinal);
        output.WriteLine($"screenshot: {browser.Screenshot("tickets-zh-CN.png")}");
        browser.Driver.FindElement(By.Id("ticket-note")).SendKeys("电池已更换");
        row.FindElement(By.CssSelector("button.ticket-close")).Click();
        await browser.WaitForAsync("#no-tickets:not([hidden])");
        var closed = Assert.Single(rig.Records!.Tickets.History(DateTimeOffset.MinValue, DateTimeOffset.MaxValue));
        Assert.Equal(BoardRig.OperatorName, closed.VerifiedBy);
        Assert.Contains("电池已更换", closed.Notes, StringComparison.Ordinal);

        browser.Driver.FindElement(By.Id("language")).Click();
        browser.Driver.FindElement(By.CssSelector("[data-page-button='report']")).Click();
        (await browser.WaitForAsync($"#report-filter select[name='site'] option[value='{Site}']")).Click();
        browser.Driver.FindElement(By.CssSelector("#report-filter button[type=submit]")).Click();
        await browser.WaitForAsync($"section.test-report[data-site='{Site}'] tr.overdue");
        var line = Assert.Single(browser.All("section.test-report tr.overdue"), r => r.Text.Contains("office-panic", StringComparison.Ordinal));
        Assert.Contains("Main office", line.Text, StringComparison.Ordinal);
        Assert.EndsWith($"api/report.csv?site={Site}", browser.Driver.FindElement(By.Id("report-csv")).GetDomAttribute("href"), StringComparison.Ordinal);
        Assert.Equal("Download CSV", browser.Driver.FindElement(By.Id("report-csv")).Text);
        output.WriteLine($"screenshot: {browser.Screenshot("report-en.png")}");
        Assert.Equal(0, rig.Center.HandlerErrors);
    }

    /// <summary>A gateway as the broker sees it: its retained status names its inputs.</summary>
    private static async Task<MqttRecorder> StartGatewayAsync(BoardRig rig)
    {
        var gateway = new MqttRecorder(rig.Broker.Port, "record-gateway", filter: "campus/v1/none");
        await gateway.StartAsync();
        await gateway.PublishAsync($"campus/v1/{Site}/gw1/status", """{"state":"online","boot":"b1","version":"0.1.0","inputs":[{"id":"office-panic","kind":"panic","location":"Main office"},{"id":"gate-duty","kind":"duty","location":"Gatehouse"}]}""");
        return gateway;
    }

    private Task PublishFaultAsync(MqttRecorder gateway) => gateway.PublishAsync($"campus/v1/{Site}/gw1/alarm",
        $$"""{"v":1,"id":"{{Guid.CreateVersion7()}}","seq":{{++_seq}},"boot":"b1","site":"{{Site}}","gateway":"gw1","input":"gate-duty","kind":"fault","state":"active","ts":"{{WireTimestamp.Format(TimeProvider.System.GetUtcNow())}}","synced":true,"location":"Gatehouse","detail":{"fault":"duty-missed"} }""");

    private async Task<JsonElement> OpenTicketAsync(HttpClient http, BoardRig rig, MqttRecorder gateway)
    {
        await PublishFaultAsync(gateway);
        await GatewayProcess.WaitUntilAsync(() => rig.Records!.Tickets.Open().Count == 1, s_wait);
        var open = JsonDocument.Parse(await http.GetStringAsync(new Uri(rig.Board.Address, "api/tickets"))).RootElement;
        return Assert.Single(open.EnumerateArray()).Clone();
    }

    private static async Task<JsonElement> StepAsync(HttpClient http, BoardRig rig, long id, string action, HttpStatusCode expected)
    {
        using var response = await http.PostAsync(new Uri(rig.Board.Address, $"api/tickets/{id}/{action}"), Json(action == "close" ? """{"note":"closed on the board"}""" : "{}"));
        Assert.Equal(expected, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<HttpClient> SignedInClientAsync(BoardRig rig)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
        using var signIn = await http.PostAsync(new Uri(rig.Board.Address, "login"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["operator"] = BoardRig.OperatorName, ["password"] = BoardRig.Password }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location?.OriginalString);
        return http;
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
