using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Supervision;

public sealed class LoopMonitorTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private static LoopStatus Only(LoopMonitor monitor) => Assert.Single(monitor.Snapshot());

    [Fact]
    public void A_pass_busy_past_its_limit_is_stalled_until_it_ends()
    {
        var monitor = new LoopMonitor(_time);
        using var loop = monitor.Register("reconciler", new LoopStall(Limit));

        loop.Busy();
        _time.Advance(Limit);
        Assert.Equal(LoopStates.Running, Only(monitor).State);
        _time.Advance(TimeSpan.FromSeconds(1));

        var stalled = Only(monitor);
        Assert.Equal(LoopStates.Stalled, stalled.State);
        Assert.Equal("reconciler: stalled, busy in one pass for 121 s", stalled.Message);
        Assert.Single(monitor.Stalled());

        loop.Done();
        Assert.Equal(LoopStates.Running, Only(monitor).State);
        Assert.Empty(monitor.Stalled());
    }

    [Fact]
    public void A_loop_that_waits_for_work_is_never_stalled_while_idle()
    {
        var monitor = new LoopMonitor(_time);
        using var loop = monitor.Register("reconciler", new LoopStall(Limit));
        loop.Busy();
        loop.Done();

        _time.Advance(TimeSpan.FromDays(3));

        Assert.Equal(LoopStates.Running, Only(monitor).State);
    }

    [Fact]
    public void A_periodic_loop_that_does_not_begin_its_next_pass_in_time_is_stalled()
    {
        var monitor = new LoopMonitor(_time);
        using var loop = monitor.Register("health", new LoopStall(Limit, TimeSpan.FromSeconds(1)));
        loop.Busy();
        loop.Done();

        _time.Advance(Limit + TimeSpan.FromSeconds(1));
        Assert.Equal(LoopStates.Running, Only(monitor).State);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(LoopStates.Stalled, Only(monitor).State);
        Assert.StartsWith("health: stalled, no pass for", Only(monitor).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_loop_waiting_for_its_retry_is_retrying_not_stalled_and_says_why()
    {
        var monitor = new LoopMonitor(_time);
        using var loop = monitor.Register("health", new LoopStall(Limit, TimeSpan.FromSeconds(1)));
        loop.Subject = "health loop";
        loop.Busy();

        loop.Failed(new TimeoutException("ip did not answer"), TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromSeconds(20));

        var retrying = Only(monitor);
        Assert.Equal(LoopStates.Retrying, retrying.State);
        Assert.Equal("health loop: retrying in 40 s (last error: TimeoutException: ip did not answer)", retrying.Message);
        Assert.Equal((1, _time.GetUtcNow().AddSeconds(40)), (retrying.Failures, retrying.RetryAt));
        Assert.Empty(monitor.Stalled());

        // Recovered: running, the last error kept for the record.
        loop.Busy();
        loop.Done();
        var recovered = Only(monitor);
        Assert.Equal((LoopStates.Running, 0, null), (recovered.State, recovered.Failures, recovered.Message));
        Assert.Equal("TimeoutException: ip did not answer", recovered.LastError);
    }

    [Fact]
    public void A_loop_without_a_stall_rule_is_never_stalled_and_leaves_when_disposed()
    {
        var monitor = new LoopMonitor(_time);
        var loop = monitor.Register("telemetry");
        loop.Busy();
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(LoopStates.Running, Only(monitor).State);

        loop.Dispose();

        Assert.Empty(monitor.Snapshot());
    }
}
