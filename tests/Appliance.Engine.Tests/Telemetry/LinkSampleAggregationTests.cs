using Appliance.Engine.Telemetry;

namespace Appliance.Engine.Tests.Telemetry;

public sealed class LinkSampleAggregationTests
{
    private static readonly DateTimeOffset Minute = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    internal static LinkSample Sample(DateTimeOffset at, string state = "up", double? rtt = 10, long rx = 1000, long? sessions = 5, int? subflows = null) =>
        new(at, state, rtt, rtt / 10, rtt is null ? null : 0, rx, rx / 2, sessions, subflows);

    [Theory]
    [InlineData("up", "degraded", "degraded")]
    [InlineData("degraded", "down", "down")]
    [InlineData("up", "unknown", "unknown")]
    [InlineData("unknown", "degraded", "degraded")]
    [InlineData("down", "up", "down")]
    public void Minute_aggregate_keeps_the_worst_state(string first, string second, string worst)
    {
        var minute = LinkSampleAggregation.Aggregate(Minute, [Sample(Minute, first), Sample(Minute.AddSeconds(1), second), Sample(Minute.AddSeconds(2), "up")]);

        Assert.Equal(worst, minute.State);
    }

    [Fact]
    public void Minute_aggregate_averages_rates_and_probe_figures_and_skips_unmeasured_ones()
    {
        var minute = LinkSampleAggregation.Aggregate(Minute,
            [Sample(Minute, rtt: 10, rx: 1000), Sample(Minute.AddSeconds(1), rtt: null, rx: 2000), Sample(Minute.AddSeconds(2), rtt: 30, rx: 6000)]);

        Assert.Equal(Minute, minute.At);
        Assert.Equal(20, minute.RttMs);
        Assert.Equal(2, minute.JitterMs);
        Assert.Equal(3000, minute.RxBitsPerSecond);
        Assert.Equal(1500, minute.TxBitsPerSecond);
    }

    [Fact]
    public void Minute_aggregate_keeps_the_last_sessions_and_subflows()
    {
        var minute = LinkSampleAggregation.Aggregate(Minute, [Sample(Minute, sessions: 90, subflows: 2), Sample(Minute.AddSeconds(1), sessions: 12, subflows: 1)]);

        Assert.Equal(12, minute.Sessions);
        Assert.Equal(1, minute.Subflows);
    }

    [Fact]
    public void A_figure_no_sample_measured_stays_null()
    {
        var minute = LinkSampleAggregation.Aggregate(Minute, [Sample(Minute, rtt: null, sessions: null)]);

        Assert.Null(minute.RttMs);
        Assert.Null(minute.LossPercent);
        Assert.Null(minute.Sessions);
    }
}
