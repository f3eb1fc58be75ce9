using Appliance.Web.Components.Dashboard;

namespace Appliance.Web.Tests.Components.Dashboard;

public sealed class ChartGeometryTests
{
    private static readonly DateTimeOffset T0 = DashboardTest.Epoch;

    [Fact]
    public void Time_runs_left_to_right_and_values_bottom_to_top()
    {
        var lines = ChartGeometry.Polylines(
            [(T0, 0), (T0.AddSeconds(50), 50), (T0.AddSeconds(100), 100)], T0, T0.AddSeconds(100), yMax: 100, width: 300, height: 80);

        Assert.Equal(["0,80 150,40 300,0"], lines);
    }

    [Fact]
    public void A_null_value_splits_the_line_instead_of_drawing_a_slope_through_it()
    {
        var lines = ChartGeometry.Polylines(
            [(T0, 10), (T0.AddSeconds(10), 10), (T0.AddSeconds(20), null), (T0.AddSeconds(30), 10), (T0.AddSeconds(40), 10)],
            T0, T0.AddSeconds(40), 10, 40, 10);

        Assert.Equal(["0,0 10,0", "30,0 40,0"], lines);
    }

    [Fact]
    public void Points_outside_the_range_are_left_out_and_values_above_the_top_are_clamped()
    {
        var lines = ChartGeometry.Polylines(
            [(T0.AddSeconds(-1), 5), (T0, 20), (T0.AddSeconds(10), 5), (T0.AddSeconds(11), 5)], T0, T0.AddSeconds(10), 10, 100, 10);

        Assert.Equal(["0,0 100,5"], lines);
    }

    [Fact]
    public void A_lone_point_is_drawn_as_a_dot()
    {
        Assert.Equal(["100,5 100,5"], ChartGeometry.Polylines([(T0, 5)], T0.AddSeconds(-10), T0, 10, 100, 10));
    }

    [Theory]
    [InlineData(7, 10)]
    [InlineData(12_500_000, 20_000_000)]
    [InlineData(40, 50)]
    [InlineData(100, 100)]
    public void The_top_of_the_axis_is_a_round_number_at_or_above_the_largest_value(double max, double top) =>
        Assert.Equal(top, ChartGeometry.NiceMax([0.5, null, max]));

    [Fact]
    public void Nothing_measured_gives_no_axis_top() => Assert.Equal(0, ChartGeometry.NiceMax([null, 0]));
}
