using Appliance.Web.Components.Pages;
using Appliance.Web.Live;
using Bunit;

namespace Appliance.Web.Tests.Components.Dashboard;

/// <summary>The dashboard's charts: seeded with the last 5 minutes of history, then a point per snapshot.</summary>
public sealed class HomeChartTests : DashboardTest
{
    private static int RxPoints(IRenderedComponent<Home> cut, string wan) =>
        cut.FindAll($"[data-testid='wan-chart-rates-{wan}'] polyline[data-series='rx']")
            .Sum(p => p.GetAttribute("points")!.Split(' ').Distinct().Count());

    [Fact]
    public void The_chart_is_seeded_from_the_last_five_minutes_of_history_then_grows_a_point_per_snapshot()
    {
        // Two samples from before the 5 minutes, then ten inside them, every 30 s up to 20 s ago.
        var history = UseHistory(new FakeLinkHistory().With("dsl",
            [
                FakeLinkHistory.Sample(Epoch.AddSeconds(-400), 90_000_000, 500_000),
                FakeLinkHistory.Sample(Epoch.AddSeconds(-350), 90_000_000, 500_000),
                .. Enumerable.Range(0, 10).Select(i => FakeLinkHistory.Sample(Epoch.AddSeconds(-290 + 30 * i), 1_000_000 * (i + 1), 500_000)),
            ]));
        Feed.Publish(new SnapshotUpdate(Running(Wan("dsl"))));

        var cut = Render<Home>();

        cut.WaitForAssertion(() => Assert.Equal(10, RxPoints(cut, "dsl")));
        Assert.Equal([("dsl", Epoch.AddMinutes(-5))], history.Queries);
        Assert.Equal("10.0 Mbit/s", cut.Find("[data-testid='wan-chart-rates-dsl-max']").TextContent);

        Tick(Wan("dsl", rx: 40_000_000));
        cut.WaitForAssertion(() => Assert.Equal(11, RxPoints(cut, "dsl")));
        Assert.Equal("50.0 Mbit/s", cut.Find("[data-testid='wan-chart-rates-dsl-max']").TextContent);
        Tick(Wan("dsl"));
        cut.WaitForAssertion(() => Assert.Equal(12, RxPoints(cut, "dsl")));
    }

    [Fact]
    public void A_wan_that_appears_later_gets_its_recent_history_too()
    {
        var history = UseHistory(new FakeLinkHistory().With("lte",
            [.. Enumerable.Range(0, 5).Select(i => FakeLinkHistory.Sample(Epoch.AddSeconds(-100 + 10 * i), 2_000_000, 100_000))]));
        Feed.Publish(new SnapshotUpdate(Running(Wan("dsl"))));
        var cut = Render<Home>();

        // lte is applied while the page is open: its card comes with the last minutes it recorded, then live points.
        Tick(Wan("dsl"), Wan("lte"));

        cut.WaitForAssertion(() => Assert.Equal(5 + 1, RxPoints(cut, "lte")));
        Assert.Contains(history.Queries, q => q.Wan == "lte");
        Assert.Single(history.Queries, q => q.Wan == "dsl");
    }

    [Fact]
    public void Points_older_than_five_minutes_leave_the_chart()
    {
        Feed.Publish(new SnapshotUpdate(Running(Wan("dsl"))));
        var cut = Render<Home>();

        for (var i = 0; i < 300; i++)
        {
            Tick(Wan("dsl", rx: 1_000 + i));
        }
        cut.WaitForAssertion(() => Assert.Equal(300, RxPoints(cut, "dsl")));
        Clock.Advance(TimeSpan.FromSeconds(59));

        Tick(Wan("dsl"));

        // Snapshots came at 1…300 s; this one comes at 360 s, so the 59 from before 60 s are older than 5 minutes.
        cut.WaitForAssertion(() => Assert.Equal(300 - 59 + 1, RxPoints(cut, "dsl")));
    }

    [Fact]
    public void With_no_history_yet_the_charts_start_empty_and_fill_live()
    {
        Feed.Publish(new SnapshotUpdate(Running(Wan("dsl"))));
        var cut = Render<Home>();
        Assert.Equal(0, RxPoints(cut, "dsl"));

        Tick(Wan("dsl"));
        Tick(Wan("dsl"));

        cut.WaitForAssertion(() => Assert.Equal(2, RxPoints(cut, "dsl")));
    }
}
