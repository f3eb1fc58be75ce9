using Appliance.Engine.Telemetry;
using static Appliance.Engine.Tests.Telemetry.LinkSampleAggregationTests;

namespace Appliance.Engine.Tests.Telemetry;

public sealed class LinkHistoryBufferTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Feeds one sample a second for <paramref name="seconds"/> seconds from <paramref name="from"/>; returns the minutes closed.</summary>
    private static List<LinkSample> Feed(LinkHistoryBuffer buffer, DateTimeOffset from, int seconds, Func<int, LinkSample>? sample = null)
    {
        var closed = new List<LinkSample>();
        for (var i = 0; i < seconds; i++)
        {
            if (buffer.Add("dsl", sample?.Invoke(i) ?? Sample(from.AddSeconds(i), rx: i)) is { } minute)
            {
                closed.Add(minute);
            }
        }
        return closed;
    }

    [Fact]
    public void A_minute_is_aggregated_when_the_first_sample_of_the_next_minute_arrives()
    {
        var buffer = new LinkHistoryBuffer();

        var closed = Feed(buffer, Start, 61);

        var minute = Assert.Single(closed);
        Assert.Equal(Start, minute.At);
        Assert.Equal(Enumerable.Range(0, 60).Average(), minute.RxBitsPerSecond, 0.5);
    }

    [Fact]
    public void The_last_fifteen_minutes_come_at_one_second_and_the_rest_of_the_day_at_one_minute()
    {
        var buffer = new LinkHistoryBuffer();
        Feed(buffer, Start, 3600);
        var now = Start.AddSeconds(3599);

        var history = buffer.Query("dsl", now.AddHours(-1));

        var minutes = history.Where(s => s.At < Start.AddMinutes(45)).ToList();
        Assert.Equal(Enumerable.Range(0, 45).Select(m => Start.AddMinutes(m)), minutes.Select(s => s.At));
        // From the boundary on, one sample a second until now, with no gap and no overlap.
        var seconds = history.Skip(minutes.Count).ToList();
        Assert.Equal(Start.AddMinutes(45), seconds[0].At);
        Assert.Equal(now, seconds[^1].At);
        Assert.Equal(15 * 60, seconds.Count);
        Assert.True(history.Zip(history.Skip(1)).All(p => p.First.At < p.Second.At), "samples are not in time order");
    }

    [Fact]
    public void A_partly_pruned_minute_comes_from_its_aggregate_so_no_second_goes_missing()
    {
        var buffer = new LinkHistoryBuffer();
        // 20 minutes and 30 seconds: the 1 s samples now start in the middle of minute 5.
        Feed(buffer, Start, 20 * 60 + 31);

        var history = buffer.Query("dsl", Start);

        Assert.Contains(history, s => s.At == Start.AddMinutes(5));
        Assert.DoesNotContain(history, s => s.At > Start.AddMinutes(5) && s.At < Start.AddMinutes(6));
        Assert.Equal(Start.AddMinutes(6), history.First(s => s.At > Start.AddMinutes(5)).At);
    }

    [Fact]
    public void Right_after_the_first_sample_the_recent_past_comes_at_one_second()
    {
        var buffer = new LinkHistoryBuffer();
        Feed(buffer, Start.AddSeconds(37), 40);

        var history = buffer.Query("dsl", Start.AddHours(-1));

        Assert.Equal(40, history.Count);
        Assert.Equal(Start.AddSeconds(37), history[0].At);
    }

    [Fact]
    public void Minute_aggregates_older_than_a_day_are_dropped()
    {
        var buffer = new LinkHistoryBuffer();
        Feed(buffer, Start, 120);

        var closed = buffer.Prune(Start.AddHours(25));

        Assert.Single(closed);
        Assert.Empty(buffer.Query("dsl", Start.AddDays(-2)));
        Assert.Empty(buffer.Wans);
    }

    [Fact]
    public void Pruning_closes_the_minute_of_a_wan_that_stopped_reporting()
    {
        var buffer = new LinkHistoryBuffer();
        Feed(buffer, Start, 30);

        var closed = buffer.Prune(Start.AddMinutes(2));

        Assert.Equal(Start, Assert.Single(closed).Minute.At);
        Assert.Empty(buffer.Prune(Start.AddMinutes(3)));
    }

    [Fact]
    public void A_second_sampled_twice_is_kept_once()
    {
        var buffer = new LinkHistoryBuffer();
        buffer.Add("dsl", Sample(Start.AddMilliseconds(100), rx: 1));
        buffer.Add("dsl", Sample(Start.AddMilliseconds(900), rx: 2));
        buffer.Add("dsl", Sample(Start.AddMilliseconds(-5000), rx: 3));

        var only = Assert.Single(buffer.Query("dsl", Start.AddMinutes(-1)));
        Assert.Equal(1, only.RxBitsPerSecond);
        Assert.Equal(Start, only.At);
    }

    [Fact]
    public void Loaded_history_continues_where_it_stopped_and_the_open_minute_is_closed_later()
    {
        var seconds = Enumerable.Range(0, 90).Select(i => Sample(Start.AddSeconds(i), rx: i)).ToList();
        var minute = LinkSampleAggregation.Aggregate(Start, seconds[..60]);

        var after = new LinkHistoryBuffer();
        after.Load("dsl", seconds[60..], [minute]);
        var closed = after.Add("dsl", Sample(Start.AddMinutes(3)));

        Assert.Equal(["dsl"], after.Wans);
        Assert.Equal(Start.AddMinutes(1), closed?.At);
        Assert.Equal(Enumerable.Range(60, 30).Average(), closed!.RxBitsPerSecond, 0.5);
    }

    [Fact]
    public void An_unknown_wan_has_no_history()
    {
        Assert.Empty(new LinkHistoryBuffer().Query("nope", Start));
    }
}
