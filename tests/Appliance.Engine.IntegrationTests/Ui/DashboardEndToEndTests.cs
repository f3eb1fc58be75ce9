using System.Net;
using System.Text.RegularExpressions;
using Appliance.Engine.Configuration;
using Appliance.Testing;
using Microsoft.Playwright;

namespace Appliance.Engine.IntegrationTests.Ui;

/// <summary>
/// The web UI in real Chromium against the real appliance process, its engine driving a lab namespace: first-run
/// setup, a WAN added and applied through the pages, its dashboard card appearing and its figures moving with traffic,
/// and the Ports and LAN pages opening live.
/// Screenshots of every step go to test-artifacts/e2e/.
/// </summary>
public sealed class DashboardEndToEndTests
{
    private const string Password = "e2e-password-1234";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wan_added_and_applied_in_the_browser_shows_on_the_dashboard_with_live_figures()
    {
        await using var lab = await NetnsLab.CreateAsync([new LabWan(1, RateMbit: 50), new LabWan(2, RateMbit: 50)], ct: Ct);
        var repo = TestArtifacts.RepoRoot() ?? throw new InvalidOperationException("Appliance.sln not found above the test's folder");
        var data = Directory.CreateTempSubdirectory("appliance-e2e-");
        var shots = TestArtifacts.Directory("e2e");
        try
        {
            await using var appliance = await RunningAppliance.StartAsync(repo, lab.Appliance, data.FullName, "e2e", Ct);
            var (api, url) = (appliance.Api, appliance.Url);
            // The LAN and one WAN are there already (as after a first boot's setup); the test adds the second WAN in the UI.
            var first = await api.ImportAndApplyAsync(new ApplianceConfig
            {
                Wans = [ApplianceUnderTest.ProbedWan(lab.Wans[0])],
                Settings = ApplianceUnderTest.LabSettings,
            }, "e2e: LAN and wan1", Ct);
            Assert.True((await api.WaitRunningAsync(first, Limit, Ct)).Running);

            await using var chromium = await HeadlessChromium.LaunchAsync();
            await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
            context.SetDefaultTimeout((float)Limit.TotalMilliseconds);
            var page = await context.NewPageAsync();

            // First run: no user exists, so the app asks for the admin.
            await page.GotoAsync(url + "/");
            await page.WaitForURLAsync(new Regex("/(setup|login)"));
            await page.GotoAsync(url + "/setup");
            await page.FillAsync("input[name=userName]", "admin");
            await page.FillAsync("input[name=password]", Password);
            await page.ClickAsync("button[type=submit]");
            await page.Locator("[data-testid=wan-card-wan1]").WaitForAsync();
            await Shot(page, shots, "1-dashboard-one-wan");

            // Add wan2 on the WANs page; the apply bar then shows it as a pending change.
            await OpenAsync(page, url + "/wans");
            await page.ClickAsync("[data-testid=wan-add]");
            await page.FillAsync("input[data-testid=wan-name]", "wan2");
            await page.FillAsync("input[data-testid=wan-interface]", lab.Wans[1].Interface);
            await page.FillAsync("input[data-testid=wan-gateway]", lab.Wans[1].Gateway.ToString());
            await page.FillAsync("input[data-testid=wan-weight]", "3");
            await page.FillAsync("[data-testid=wan-targets]:is(input, textarea)", LabAddresses.Server.ToString());
            await Shot(page, shots, "2-wan-form");
            await page.ClickAsync("[data-testid=wan-save]");
            await page.Locator("[data-testid=wan-edit-wan2]").WaitForAsync();
            await page.Locator("[data-testid=apply-bar]").WaitForAsync();
            await page.FillAsync("input[data-testid=apply-comment]", "add wan2 from the browser");
            await Shot(page, shots, "3-pending-change");
            await page.ClickAsync("button[data-testid=apply]");
            var applied = await api.WaitRunningAsync(first + 1, Limit, Ct);
            Assert.Equal(first + 1, applied.RevisionId);

            // The dashboard gets wan2's card from the live feed; the figures move when traffic flows.
            await OpenAsync(page, url + "/");
            var card = page.Locator("[data-testid=wan-card-wan2]");
            await card.WaitForAsync();
            await Assertions.Expect(page.Locator("[data-testid=wan-state-wan2]")).ToContainTextAsync("up", new() { Timeout = (float)Limit.TotalMilliseconds });
            await Shot(page, shots, "4-dashboard-two-wans");
            var rxBefore = await RxAsync(page);

            using var server = new BulkServer(lab.Thread(lab.Inet), new IPEndPoint(LabAddresses.Server, 9300));
            using var traffic = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var downloads = Enumerable.Range(0, 4)
                .Select(_ => BulkClient.DownloadAsync(lab.Thread(lab.Lan), server.Endpoint, TimeSpan.FromSeconds(8), traffic.Token))
                .ToList();
            var moving = await WaitForRxAsync(page, rx => rx != rxBefore && !rx.StartsWith('0') && rx != "—", TimeSpan.FromSeconds(15));
            await Shot(page, shots, "5-dashboard-live-traffic");
            var later = await WaitForRxAsync(page, rx => rx != moving, TimeSpan.FromSeconds(10));
            Assert.NotEqual(moving, later);

            // The history the appliance recorded meanwhile, per WAN.
            await OpenAsync(page, url + "/history");
            await page.ClickAsync("[data-testid=history-wan-wan2]");
            await page.ClickAsync("[data-testid=history-range-1h]");
            await page.Locator("[data-testid=history-chart-rates]").WaitForAsync();
            await Shot(page, shots, "6-history");
            // The Ports and LAN pages open live, with the apply bar's layout around them.
            await OpenAsync(page, url + "/ports");
            await page.Locator("[data-testid=ports-table]").WaitForAsync();
            await page.Locator("[data-testid=ports-lockout-warning]").WaitForAsync();
            await Shot(page, shots, "6b-ports");
            await OpenAsync(page, url + "/lan");
            await page.Locator("[data-testid=lan-form]").WaitForAsync();
            await page.Locator("[data-testid=lan-leases]").WaitForAsync();
            await Shot(page, shots, "6c-lan");

            await OpenAsync(page, url + "/");
            await card.WaitForAsync();

            // The same page on a phone-sized screen.
            await page.SetViewportSizeAsync(390, 844);
            await card.ScrollIntoViewIfNeededAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "7-dashboard-phone.png") });
            await Task.WhenAll(downloads);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>Opens a page and waits until it is live: clicks on the prerendered HTML before the circuit is up would be lost.</summary>
    private static async Task OpenAsync(IPage page, string address)
    {
        await page.GotoAsync(address);
        await page.Locator("[data-interactive=true]").WaitForAsync();
    }

    private static async Task<string> RxAsync(IPage page) => (await page.Locator("[data-testid=wan-rx-wan2]").InnerTextAsync()).Trim();

    /// <summary>Reads wan2's rx figure as the page shows it (pushed over the circuit, never reloaded) until it satisfies the condition.</summary>
    private static async Task<string> WaitForRxAsync(IPage page, Func<string, bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        var rx = await RxAsync(page);
        while (!condition(rx))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"wan2's rx figure did not change as expected within {limit.TotalSeconds:0} s; it shows '{rx}'");
            }
            await Task.Delay(250);
            rx = await RxAsync(page);
        }
        return rx;
    }

    private static Task Shot(IPage page, string folder, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
}
