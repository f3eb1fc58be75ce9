using Appliance.Engine.Status;
using Appliance.Web.Components.Dashboard;

namespace Appliance.Web.Tests.Components.Dashboard;

/// <summary>The dashboard's rolling 5-minute series, driven with explicit timestamps.</summary>
public sealed class LiveSeriesTests
{
    private static readonly DateTimeOffset T0 = DashboardTest.Epoch;

    private static EngineStatus Status(params (string Name, long? Rx)[] wans) =>
        new(true, "running", 1, T0, wans.Select(w => new WanStatus(w.Name, "eth0", "up", true, "up", 10, 1, 0, w.Rx, 1000, 0)).ToList(), []);

    [Fact]
    public void Each_snapshot_adds_one_point_per_wan_at_the_time_it_arrived()
    {
        var series = new LiveSeries();

        series.Add(Status(("dsl", 1_000), ("lte", 5)), T0);
        series.Add(Status(("dsl", 2_000), ("lte", 6)), T0.AddSeconds(1));

        Assert.Equal([T0, T0.AddSeconds(1)], series.Points("dsl").Select(p => p.At));
        Assert.Equal([1_000d, 2_000d], series.Points("dsl").Select(p => p.RxBitsPerSecond));
        Assert.Equal([5d, 6d], series.Points("lte").Select(p => p.RxBitsPerSecond));
    }

    [Fact]
    public void Points_older_than_five_minutes_are_dropped()
    {
        var series = new LiveSeries();
        for (var s = 0; s <= 300; s++)
        {
            series.Add(Status(("dsl", s)), T0.AddSeconds(s));
        }
        Assert.Equal(301, series.Points("dsl").Count);

        series.Add(Status(("dsl", 999)), T0.AddSeconds(302));

        var points = series.Points("dsl");
        Assert.Equal(T0.AddSeconds(2), points[0].At);
        Assert.Equal(T0.AddSeconds(302), points[^1].At);
        Assert.All(points, p => Assert.True(p.At >= T0.AddSeconds(2)));
    }

    [Fact]
    public void A_wan_gone_from_the_snapshot_loses_its_series()
    {
        var series = new LiveSeries();
        series.Add(Status(("dsl", 1), ("lte", 1)), T0);

        series.Add(Status(("dsl", 2)), T0.AddSeconds(1));

        Assert.Equal(["dsl"], series.Wans);
        Assert.Empty(series.Points("lte"));
    }

    [Fact]
    public void Unmeasured_figures_stay_null_instead_of_zero()
    {
        var series = new LiveSeries();

        series.Add(Status(("dsl", null)), T0);

        Assert.Null(series.Points("dsl")[0].RxBitsPerSecond);
    }

    [Fact]
    public void History_seeds_the_series_before_live_points_without_overlap_and_within_the_window()
    {
        var series = new LiveSeries();
        series.Add(Status(("dsl", 77)), T0.AddSeconds(400));
        var history = new[]
        {
            FakeLinkHistory.Sample(T0, 1, 1),                  // older than the window at 400 s
            FakeLinkHistory.Sample(T0.AddSeconds(200), 2, 2),
            FakeLinkHistory.Sample(T0.AddSeconds(399), 3, 3),
            FakeLinkHistory.Sample(T0.AddSeconds(400), 4, 4),  // the live point has this second already
        };

        series.Seed("dsl", history, T0.AddSeconds(400));

        Assert.Equal([T0.AddSeconds(200), T0.AddSeconds(399), T0.AddSeconds(400)], series.Points("dsl").Select(p => p.At));
        Assert.Equal([2d, 3d, 77d], series.Points("dsl").Select(p => p.RxBitsPerSecond));
    }
}
