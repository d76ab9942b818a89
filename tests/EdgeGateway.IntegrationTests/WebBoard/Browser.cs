using EdgeGateway.TestKit;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace EdgeGateway.IntegrationTests.WebBoard;

/// <summary>
/// Debian's headless chromium through its own chromedriver (paths given, so Selenium Manager never downloads
/// anything), on a fresh profile each time.
/// </summary>
public sealed class Browser : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _profile = Directory.CreateTempSubdirectory("edge-board-chromium-");

    public Browser()
    {
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={_profile.FullName}", "--window-size=1600,1000");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        Driver = new ChromeDriver(service, options, s_wait);
        Driver.Manage().Timeouts().AsynchronousJavaScript = s_wait;
    }

    public ChromeDriver Driver { get; }

    /// <summary>Opens the board at <paramref name="address"/> (sent to the sign-in page) and signs in.</summary>
    public async Task SignInAsync(Uri address, string name, string password)
    {
        Driver.Navigate().GoToUrl(address);
        await UntilAsync(() => Driver.Url.Contains("/login", StringComparison.Ordinal));
        Driver.FindElement(By.Name("operator")).SendKeys(name);
        Driver.FindElement(By.Name("password")).SendKeys(password);
        Driver.FindElement(By.CssSelector("#login button[type=submit]")).Click();
    }

    /// <summary>The elements matching <paramref name="css"/> now.</summary>
    public IReadOnlyList<IWebElement> All(string css) => Driver.FindElements(By.CssSelector(css));

    /// <summary>Waits (a deadline, polling the page) until <paramref name="css"/> matches something; returns the first.</summary>
    public async Task<IWebElement> WaitForAsync(string css)
    {
        await UntilAsync(() => All(css).Count > 0);
        return All(css)[0];
    }

    public async Task UntilAsync(Func<bool> condition)
    {
        try
        {
            await GatewayProcess.WaitUntilAsync(() =>
            {
                try
                {
                    return condition();
                }
                catch (StaleElementReferenceException)
                {
                    // The page re-rendered under the reader: look again.
                    return false;
                }
            }, s_wait);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; the page at {Driver.Url}:\n{Driver.FindElement(By.TagName("body")).Text}", ex);
        }
    }

    /// <summary>Saves the page as a PNG into the test output's <c>screenshots/</c>; returns the path.</summary>
    public string Screenshot(string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
        var path = Path.Combine(directory.FullName, name);
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        _profile.Delete(recursive: true);
    }
}
