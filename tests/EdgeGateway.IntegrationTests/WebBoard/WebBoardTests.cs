using System.Collections.Concurrent;
using System.Globalization;
using EdgeGateway.Center;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Time.Testing;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests.WebBoard;

/// <summary>
/// The web board in a real browser (Debian's chromium): an operator signs in, a press on a real gateway process shows
/// on the page, the Acknowledge button's ack steadies the gateway's LED, the page switches language, a silent gateway
/// shows silent. Runs in CI (<c>.ci/run</c> installs chromium and chromium-driver).
/// </summary>
[Trait("requires", "chromium")]
public sealed class WebBoardTests(ITestOutputHelper output)
{
    private const int PanicPin = 17;
    private const int IntrusionPin = 22;
    private const int LedPin = 5;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PressOnARealGateway_ShowsOnThePage_InBothLanguages_AcknowledgeSteadiesItsLed()
    {
        await using var rig = await BoardRig.StartAsync(TimeProvider.System);
        await using var gateway = CreateGateway(rig.Broker.Port);
        using var browser = new Browser();
        await StartSignedInAsync(rig, gateway, browser);
        Assert.Contains(BoardRig.OperatorName, browser.Driver.FindElement(By.Id("operator")).Text, StringComparison.Ordinal);

        Assert.Equal("ok", await gateway.SimAsync($"set {PanicPin} low"));
        var row = await browser.WaitForAsync("#alarms tr[data-alarm-id]");
        var alarmId = row.GetDomAttribute("data-alarm-id");
        Assert.Equal("zh-CN", browser.Driver.FindElement(By.TagName("html")).GetDomAttribute("lang"));
        Assert.Contains("主楼一层办公室", row.Text, StringComparison.Ordinal);
        Assert.Contains("紧急按钮", row.Text, StringComparison.Ordinal);
        Assert.Contains("毫秒", row.Text, StringComparison.Ordinal);
        output.WriteLine($"screenshot: {browser.Screenshot("board-zh-CN.png")}");

        browser.Driver.FindElement(By.Id("language")).Click();
        await browser.UntilAsync(() => browser.Driver.FindElement(By.TagName("h1")).Text == "Campus Alarm Center");
        await browser.UntilAsync(() => browser.All("#alarms tr[data-alarm-id]").Single().Text.Contains("Panic", StringComparison.Ordinal));
        Assert.Contains("online", browser.All("tr[data-gateway='test-school/gw1']").Single().Text, StringComparison.Ordinal);
        output.WriteLine($"screenshot: {browser.Screenshot("board-en.png")}");
        // The choice is the browser's: it survives a reload.
        browser.Driver.Navigate().Refresh();
        await browser.UntilAsync(() => browser.Driver.FindElement(By.TagName("h1")).Text == "Campus Alarm Center");
        browser.Driver.FindElement(By.Id("language")).Click();
        await browser.UntilAsync(() => browser.Driver.FindElement(By.TagName("h1")).Text == "校园报警中心");

        (await browser.WaitForAsync($"#alarms tr[data-alarm-id='{alarmId}'] button.ack")).Click();
        await browser.UntilAsync(() => browser.All("#alarms tr[data-alarm-id]").Count == 0);
        await gateway.WaitForOutputAsync($"Center acknowledged {alarmId} (by {BoardRig.OperatorName})", s_wait);
        await SimulatedLed.WaitForSteadyAsync(gateway, LedPin, s_wait);

        // The history names who acknowledged it; the filters narrow it.
        browser.Driver.FindElement(By.CssSelector("[data-page-button='history']")).Click();
        var history = await browser.WaitForAsync($"#history tr[data-history-id='{alarmId}']");
        Assert.Contains(BoardRig.OperatorName, history.Text, StringComparison.Ordinal);
        browser.Driver.FindElement(By.CssSelector("select[name='kind'] option[value='smoke']")).Click();
        browser.Driver.FindElement(By.CssSelector("#history-filter button[type=submit]")).Click();
        await browser.UntilAsync(() => browser.All("#history tr[data-history-id]").Count == 0);
        browser.Driver.FindElement(By.CssSelector("select[name='kind'] option[value='panic']")).Click();
        browser.Driver.FindElement(By.CssSelector("select[name='state'] option[value='acknowledged']")).Click();
        browser.Driver.FindElement(By.CssSelector("#history-filter button[type=submit]")).Click();
        await browser.WaitForAsync($"#history tr[data-history-id='{alarmId}']");
        Assert.Equal(0, rig.Center.HandlerErrors);
    }

    [Fact]
    public async Task PressToAlarmShownOnThePage_MedianOver50Presses()
    {
        const int presses = 50;
        await using var rig = await BoardRig.StartAsync(TimeProvider.System);
        await using var gateway = CreateGateway(rig.Broker.Port);
        using var browser = new Browser();
        await StartSignedInAsync(rig, gateway, browser);

        var shown = new List<double>();
        var received = new ConcurrentQueue<TimeSpan>();
        var restores = 0;
        rig.Center.Received += (m, age) =>
        {
            if (m.IsAlarm && m.State == "active")
            {
                received.Enqueue(age);
            }
            else if (m.IsAlarm)
            {
                Interlocked.Increment(ref restores);
            }
        };
        for (var press = 1; press <= presses; press++)
        {
            // Resolves in the page the moment the press-th alarm row is in the DOM.
            var seen = Task.Run(() => browser.Driver.ExecuteAsyncScript("""
                const [count, done] = arguments;
                const check = () => document.querySelectorAll('#alarms tr[data-alarm-id]').length >= count;
                if (check()) { done(true); return; }
                const observer = new MutationObserver(() => { if (check()) { observer.disconnect(); done(true); } });
                observer.observe(document.querySelector('#alarms tbody'), { childList: true, subtree: true });
                """, press));
            var start = TimeProvider.System.GetTimestamp();
            Assert.Equal("ok", await gateway.SimAsync($"set {IntrusionPin} low"));
            try
            {
                await seen.WaitAsync(s_wait);
            }
            catch (Exception ex) when (ex is WebDriverException or TimeoutException)
            {
                throw new TimeoutException($"press {press} not shown:\n{browser.Driver.FindElement(By.TagName("body")).Text}\n{gateway.Output}", ex);
            }

            shown.Add(TimeProvider.System.GetElapsedTime(start).TotalMilliseconds);
            // Restored: the console acknowledges a restore itself; the next press is a new alarm.
            Assert.Equal("ok", await gateway.SimAsync($"set {IntrusionPin} high"));
            await GatewayProcess.WaitUntilAsync(() => Volatile.Read(ref restores) == press, s_wait);
        }

        shown.Sort();
        var arrived = received.Select(a => a.TotalMilliseconds).Order().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"press -> alarm shown in the page, {presses} presses: median {shown[presses / 2 - 1] / 2 + shown[presses / 2] / 2:0.0} ms, min {shown[0]:0.0}, max {shown[^1]:0.0}; gateway ts -> console (same run): median {arrived[arrived.Count / 2]:0.0} ms"));
        Assert.Equal(presses, browser.All("#alarms tr[data-alarm-id]").Count);
    }

    [Fact]
    public async Task GatewayNotHeardForTheReportingTime_ShowsSilent_ThenOnlineWhenHeardAgain()
    {
        // The center's clock is fake: the reporting time passes when the test says so. It starts at today so the
        // sign-in cookie it stamps is not expired in the browser's eyes.
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var rig = await BoardRig.StartAsync(time, reportingSeconds: 60);
        await using var gateway = new MqttRecorder(rig.Broker.Port, "quiet-gateway", filter: "campus/v1/none");
        await gateway.StartAsync();
        await gateway.PublishAsync("campus/v1/quiet-school/gw9/status", """{"state":"online","boot":"b9","version":"0.1.0","inputs":[]}""");
        using var browser = new Browser();
        await browser.SignInAsync(rig.Board.Address, BoardRig.OperatorName, BoardRig.Password);
        await browser.WaitForAsync("tr[data-gateway='quiet-school/gw9'][data-state='online']");

        time.Advance(TimeSpan.FromSeconds(61));
        var silent = await browser.WaitForAsync("tr[data-gateway='quiet-school/gw9'][data-state='silent']");
        Assert.Contains("失联", silent.Text, StringComparison.Ordinal);
        Assert.Contains("quiet-school/gw9", browser.Driver.FindElement(By.Id("silent-banner")).Text, StringComparison.Ordinal);
        output.WriteLine($"screenshot: {browser.Screenshot("board-silent-zh-CN.png")}");

        await gateway.PublishAsync("campus/v1/quiet-school/gw9/health", $$"""{"v":1,"boot":"b9","ts":"{{WireTimestamp.Format(time.GetUtcNow())}}","outbox":{"alarm":{"depth":2} },"broker":"primary","awaitingAck":0,"testMode":true,"testModeUntil":"{{WireTimestamp.Format(time.GetUtcNow().AddMinutes(15))}}"}""");
        var online = await browser.WaitForAsync("tr[data-gateway='quiet-school/gw9'][data-state='online']");
        Assert.Contains("测试中", online.Text, StringComparison.Ordinal);
        Assert.Contains("报警 2", online.Text, StringComparison.Ordinal);
        await browser.UntilAsync(() => !browser.Driver.FindElement(By.Id("silent-banner")).Displayed);
    }

    [Fact]
    public async Task WrongPassword_StaysOnTheSignInPage_AndTheDataNeedsASignIn()
    {
        await using var rig = await BoardRig.StartAsync(TimeProvider.System);
        using var browser = new Browser();
        await browser.SignInAsync(rig.Board.Address, BoardRig.OperatorName, "wrong");
        await browser.UntilAsync(() => browser.Driver.FindElement(By.Id("failed")).Displayed);
        Assert.Contains("用户名或密码错误", browser.Driver.FindElement(By.Id("failed")).Text, StringComparison.Ordinal);

        using var http = new HttpClient();
        foreach (var path in new[] { "api/board", "api/events", "api/history", "api/session" })
        {
            using var response = await http.GetAsync(new Uri(rig.Board.Address, path));
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var ack = await http.PostAsync(new Uri(rig.Board.Address, "api/ack"), new StringContent("""{"id":"x"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, ack.StatusCode);
    }

    /// <summary>Starts the gateway, signs the operator in and waits until the page shows the gateway online.</summary>
    private static async Task StartSignedInAsync(BoardRig rig, GatewayProcess gateway, Browser browser)
    {
        await gateway.StartAsync();
        await browser.SignInAsync(rig.Board.Address, BoardRig.OperatorName, BoardRig.Password);
        await browser.WaitForAsync("tr[data-gateway='test-school/gw1'][data-state='online']");
    }

    private static GatewayProcess CreateGateway(int brokerPort)
    {
        object[] inputs =
        [
            Gateway.Input("office-panic", PanicPin, "panic", location: "主楼一层办公室"),
            Gateway.Input("gym-window", IntrusionPin, "intrusion", latch: false, location: "体育馆北窗"),
        ];
        var gateway = Gateway.Create(brokerPort, inputs);
        var config = GatewayProcess.SimulatedConfig(gateway.Directory, brokerPort, inputs);
        config["Acks"] = new Dictionary<string, object> { ["TimeoutSeconds"] = 20, ["AckedIndicationSeconds"] = 60 };
        config["Outputs"] = new object[] { new { Id = "status-led", Pin = LedPin, Role = "StatusLed" } };
        gateway.WriteConfig(config);
        return gateway;
    }
}
