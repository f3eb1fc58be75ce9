using Appliance.Engine;

namespace Appliance.Engine.Tests;

public sealed class ListenerSetTests
{
    [Fact]
    public void Every_listener_hears_every_value_in_the_order_they_subscribed()
    {
        var set = new ListenerSet<int>();
        var heard = new List<string>();
        using var a = set.Add(v => heard.Add($"a{v}"));
        using var b = set.Add(v => heard.Add($"b{v}"));

        set.Notify(1, Fail);
        set.Notify(2, Fail);

        Assert.Equal(["a1", "b1", "a2", "b2"], heard);
    }

    [Fact]
    public void A_failing_listener_goes_to_the_handler_and_the_rest_still_hear()
    {
        var set = new ListenerSet<int>();
        var heard = new List<int>();
        var failures = new List<Exception>();
        using var a = set.Add(_ => throw new InvalidOperationException("broken page"));
        using var b = set.Add(heard.Add);

        set.Notify(7, failures.Add);

        Assert.Equal([7], heard);
        Assert.Equal("broken page", Assert.Single(failures).Message);
    }

    [Fact]
    public void Disposing_removes_that_subscription_only_and_twice_is_harmless()
    {
        var set = new ListenerSet<int>();
        var heard = new List<int>();
        Action<int> listener = heard.Add;
        var first = set.Add(listener);
        using var second = set.Add(listener);

        first.Dispose();
        first.Dispose();
        set.Notify(3, Fail);

        Assert.Equal([3], heard);
        Assert.Equal(1, set.Count);
    }

    [Fact]
    public void A_listener_may_unsubscribe_itself_while_being_notified()
    {
        var set = new ListenerSet<int>();
        var heard = new List<int>();
        IDisposable? self = null;
        self = set.Add(v =>
        {
            heard.Add(v);
            self!.Dispose();
        });

        set.Notify(1, Fail);
        set.Notify(2, Fail);

        Assert.Equal([1], heard);
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public async Task Subscribing_and_notifying_from_many_threads_loses_no_subscription()
    {
        var set = new ListenerSet<int>();
        var heard = 0;
        var subscriptions = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() =>
        {
            set.Notify(0, Fail);
            return set.Add(_ => Interlocked.Increment(ref heard));
        })));

        set.Notify(1, Fail);

        Assert.Equal(64, set.Count);
        Assert.True(heard >= 64);
        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
        }
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void The_plain_set_tells_the_fact()
    {
        var set = new ListenerSet();
        var count = 0;
        using var a = set.Add(() => count++);

        set.Notify(Fail);

        Assert.Equal(1, count);
    }

    private static void Fail(Exception ex) => Assert.Fail($"no listener should fail here: {ex}");
}
