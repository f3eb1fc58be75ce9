using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Appliance.Engine.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Supervision;

public sealed class LoopSupervisorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly LoopMonitor _monitor;
    private readonly LoopSupervisor _supervisor;

    public LoopSupervisorTests()
    {
        _monitor = new LoopMonitor(_time);
        _supervisor = new LoopSupervisor(_monitor, NullLogger<LoopSupervisor>.Instance);
    }

    /// <summary>Records when (virtual time) each run of the loop began.</summary>
    private sealed class Starts
    {
        private readonly List<DateTimeOffset> _at = [];

        public int Count { get { lock (_at) { return _at.Count; } } }

        public void Add(DateTimeOffset at) { lock (_at) { _at.Add(at); } }

        /// <summary>Seconds between consecutive starts.</summary>
        public double[] Gaps() { lock (_at) { return _at.Zip(_at.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray(); } }
    }

    [Fact]
    public async Task A_loop_that_keeps_failing_starts_again_after_pauses_that_double_up_to_a_minute()
    {
        using var stop = new CancellationTokenSource();
        var starts = new Starts();
        var running = _supervisor.RunAsync("flaky", (_, _) =>
        {
            starts.Add(_time.GetUtcNow());
            throw new IOException("Broken pipe");
        }, stop.Token);

        await Wait.UntilAsync(() => starts.Count >= 9, "nine runs", _time, TimeSpan.FromSeconds(1));

        // The clock moves in 1 s steps, so a start may come up to one step late.
        var expected = new[] { 1.0, 2, 4, 8, 16, 32, 60, 60 };
        var gaps = starts.Gaps()[..8];
        Assert.All(expected.Zip(gaps), p => Assert.InRange(p.Second, p.First, p.First + 1));
        var loop = Assert.Single(_monitor.Snapshot());
        Assert.Equal(LoopStates.Retrying, loop.State);
        Assert.Equal("IOException: Broken pipe", loop.LastError);

        await stop.CancelAsync();
        await running.WaitAsync(Wait.Limit, TestContext.Current.CancellationToken);
        Assert.Empty(_monitor.Snapshot());
    }

    [Fact]
    public async Task A_pass_that_went_well_brings_the_pause_back_to_one_second()
    {
        using var stop = new CancellationTokenSource();
        var starts = new Starts();
        var running = _supervisor.RunAsync("flaky", (loop, _) =>
        {
            starts.Add(_time.GetUtcNow());
            // Runs 1 and 2 fail at once; run 3 gets a pass done before it fails, and so on.
            if (starts.Count >= 3)
            {
                loop.Busy();
                loop.Done();
            }
            throw new InvalidOperationException("bug");
        }, stop.Token);

        await Wait.UntilAsync(() => starts.Count >= 5, "five runs", _time, TimeSpan.FromMilliseconds(250));

        var gaps = starts.Gaps()[..4];
        Assert.All(new[] { 1.0, 2, 1, 1 }.Zip(gaps), p => Assert.InRange(p.Second, p.First, p.First + 0.5));
        await stop.CancelAsync();
        await running.WaitAsync(Wait.Limit, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_cancellation_that_is_not_the_shutdown_is_a_failure_like_any_other()
    {
        // What the process runner's own 30 s timeout looks like to its caller.
        using var stop = new CancellationTokenSource();
        var starts = new Starts();
        var running = _supervisor.RunAsync("sampler", (_, ct) =>
        {
            starts.Add(_time.GetUtcNow());
            throw new TaskCanceledException("A task was canceled.");
        }, stop.Token);

        await Wait.UntilAsync(() => starts.Count >= 2, "a second run", _time);

        Assert.False(running.IsCompleted);
        Assert.Equal(LoopStates.Retrying, Assert.Single(_monitor.Snapshot()).State);
        await stop.CancelAsync();
        await running.WaitAsync(Wait.Limit, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Shutdown_ends_the_loop_quietly_whatever_it_was_doing()
    {
        using var stop = new CancellationTokenSource();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _supervisor.RunAsync("reconciler", async (loop, ct) =>
        {
            loop.Busy();
            entered.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct);
        }, stop.Token);
        await entered.Task.WaitAsync(Wait.Limit, TestContext.Current.CancellationToken);

        await stop.CancelAsync();

        // Ends without throwing, and no failure was recorded on the way out.
        await running.WaitAsync(Wait.Limit, TestContext.Current.CancellationToken);
        Assert.True(running.IsCompletedSuccessfully);
        Assert.Empty(_monitor.Snapshot());
    }

    [Fact]
    public async Task A_periodic_loop_runs_a_pass_every_period_and_carries_on_after_a_failed_one()
    {
        using var stop = new CancellationTokenSource();
        var passes = new Starts();
        var running = _supervisor.RunPeriodicAsync("health", TimeSpan.FromSeconds(1), _ =>
        {
            passes.Add(_time.GetUtcNow());
            return passes.Count == 3 ? Task.FromException(new FormatException("bad listing")) : Task.CompletedTask;
        }, stop.Token, new LoopStall(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1)));

        await Wait.UntilAsync(() => passes.Count >= 6, "six passes", _time, TimeSpan.FromMilliseconds(250));

        // Pass 3 failed: the next came after the 1 s backoff, then once a second again.
        Assert.All(passes.Gaps()[..5], gap => Assert.InRange(gap, 1, 1.5));
        var loop = Assert.Single(_monitor.Snapshot());
        Assert.Equal((LoopStates.Running, "FormatException: bad listing"), (loop.State, loop.LastError));
        await stop.CancelAsync();
        await running.WaitAsync(Wait.Limit, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Running_out_of_memory_is_fatal_and_stops_the_host_with_a_non_zero_exit_code()
    {
        var fatal = new FatalErrors(NullLogger<FatalErrors>.Instance);
        var supervisor = new LoopSupervisor(_monitor, NullLogger<LoopSupervisor>.Instance, fatal);

#pragma warning disable CA2201 // the runtime's own exception is what this test is about
        await supervisor.RunAsync("reconciler", (_, _) => throw new OutOfMemoryException(), TestContext.Current.CancellationToken)
#pragma warning restore CA2201
            .WaitAsync(Wait.Limit, TestContext.Current.CancellationToken);

        Assert.Equal(FatalErrors.Failed, fatal.ExitCode);
    }
}
