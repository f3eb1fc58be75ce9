using Appliance.Web.Components.Pages;
using Bunit;

namespace Appliance.Web.Tests.Components.Dashboard;

/// <summary>The history page at "/history": a WAN and a range in, charts of the stored samples out.</summary>
public sealed class HistoryTests : DashboardTest
{
    private static FakeLinkHistory TwoWans() => new FakeLinkHistory()
        .With("dsl", Enumerable.Range(0, 24 * 60).Select(m => FakeLinkHistory.Sample(Epoch.AddMinutes(-24 * 60 + m), 8_000_000 + m, 1_000_000, rtt: 20, loss: m % 60 == 0 ? 4 : 0, sessions: 30)))
        .With("lte", FakeLinkHistory.Sample(Epoch.AddMinutes(-30), 700_000, 90_000, rtt: 61.5, loss: null, sessions: null));

    [Fact]
    public void The_first_wan_s_last_24_hours_are_charted()
    {
        var history = UseHistory(TwoWans());

        var cut = Render<History>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='history-summary']")));
        Assert.Equal([("dsl", Epoch.AddHours(-24))], history.Queries);
        Assert.Contains("dsl: 1440 samples", cut.Find("[data-testid='history-summary']").TextContent);
        Assert.Equal("10.0 Mbit/s", cut.Find("[data-testid='history-chart-rates-max']").TextContent);
        Assert.Equal("20.0 ms", cut.Find("[data-testid='history-chart-rtt-max']").TextContent);
        Assert.Equal("5 %", cut.Find("[data-testid='history-chart-loss-max']").TextContent);
        Assert.Equal("50", cut.Find("[data-testid='history-chart-sessions-max']").TextContent);
        Assert.Equal(1440, cut.Find("[data-testid='history-chart-rates'] polyline[data-series='rx']").GetAttribute("points")!.Split(' ').Length);
    }

    [Fact]
    public void Another_wan_and_range_query_again_and_a_wan_without_figures_shows_dashes()
    {
        var history = UseHistory(TwoWans());
        var cut = Render<History>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='history-summary']")));

        cut.Find("[data-testid='history-wan-lte']").Click();
        cut.WaitForAssertion(() => Assert.Contains("lte: 1 samples", cut.Find("[data-testid='history-summary']").TextContent));
        cut.Find("[data-testid='history-range-1h']").Click();
        cut.WaitForAssertion(() => Assert.Equal(3, history.Queries.Count));

        Assert.Equal(("lte", Epoch.AddHours(-1)), history.Queries[^1]);
        Assert.Equal("—", cut.Find("[data-testid='history-chart-loss-max']").TextContent);
        Assert.Equal("—", cut.Find("[data-testid='history-chart-sessions-max']").TextContent);
        Assert.Empty(cut.FindAll("[data-testid='history-chart-loss'] polyline"));
    }

    [Fact]
    public void A_range_without_samples_says_so()
    {
        UseHistory(TwoWans());
        var cut = Render<History>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='history-summary']")));
        Clock.Advance(TimeSpan.FromHours(30));

        cut.Find("[data-testid='history-range-6h']").Click();

        cut.WaitForAssertion(() => Assert.Equal("No history for dsl in the last 6 h.", cut.Find("[data-testid='history-empty']").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid='history-chart-rates']"));
    }

    [Fact]
    public void No_recorded_wan_gives_a_clear_message()
    {
        UseHistory(new FakeLinkHistory());

        var cut = Render<History>();

        Assert.Contains("No history recorded yet", cut.Find("[data-testid='history-empty']").TextContent);
    }

    [Fact]
    public void Progress_shows_while_the_history_loads()
    {
        var history = UseHistory(TwoWans());
        history.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var cut = Render<History>();

        Assert.NotNull(cut.Find("[data-testid='history-loading']"));
        history.Gate.SetResult();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='history-loading']")));
        Assert.NotNull(cut.Find("[data-testid='history-summary']"));
    }
}
