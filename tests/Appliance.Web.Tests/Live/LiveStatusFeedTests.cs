using Appliance.Engine.Status;
using Appliance.Web.Live;

namespace Appliance.Web.Tests.Live;

public sealed class LiveStatusFeedTests
{
    private static SnapshotUpdate Snapshot(long revision) => new(EngineStatus.NotRunning("test") with { RevisionId = revision });

    [Fact]
    public void Every_subscriber_gets_each_update_until_it_unsubscribes()
    {
        var feed = new LiveStatusFeed();
        var first = new List<LiveUpdate>();
        var second = new List<LiveUpdate>();
        var one = feed.Subscribe(first.Add);
        using var two = feed.Subscribe(second.Add);

        feed.Publish(Snapshot(1));
        one.Dispose();
        feed.Publish(Snapshot(2));

        Assert.Equal([1L], first.OfType<SnapshotUpdate>().Select(u => u.Status.RevisionId));
        Assert.Equal([1L, 2L], second.OfType<SnapshotUpdate>().Select(u => u.Status.RevisionId));
        Assert.Equal(2, feed.Latest?.RevisionId);
    }

    [Fact]
    public void A_failing_subscriber_does_not_keep_the_update_from_the_others()
    {
        var feed = new LiveStatusFeed();
        var received = new List<LiveUpdate>();
        using var failing = feed.Subscribe(_ => throw new InvalidOperationException("component gone"));
        using var working = feed.Subscribe(received.Add);

        var thrown = Assert.Throws<AggregateException>(() => feed.Publish(Snapshot(3)));

        Assert.IsType<InvalidOperationException>(Assert.Single(thrown.InnerExceptions));
        Assert.Single(received);
    }
}
