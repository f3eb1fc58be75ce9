using Appliance.Engine.Kernel.Processes;
using Appliance.Engine.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Kernel.Processes;

public sealed class SupervisedProcessTests
{
    private static readonly ProcessSpec Daemon = new("daemon", "daemon", ["--foreground"]);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLauncher _launcher = new();

    private SupervisedProcess Supervise(Action<string>? onStdout = null) =>
        new(Daemon, _launcher, _time, NullLogger.Instance, onStdout);

    [Fact]
    public async Task It_starts_the_program_with_its_arguments_and_hands_on_stdout_lines()
    {
        var lines = new List<string>();
        await using var process = Supervise(line => { lock (lines) { lines.Add(line); } });
        await Wait.UntilAsync(() => _launcher.Running is not null, "a start");

        _launcher.Running!.Write("bound 198.51.100.7");

        Assert.Equal(Daemon, _launcher.Running.Spec);
        Assert.Equal(["bound 198.51.100.7"], lines);
        Assert.Equal(_launcher.Running.Id, process.ProcessId);
    }

    [Fact]
    public async Task A_program_that_keeps_exiting_is_started_again_after_pauses_that_double()
    {
        await using var process = Supervise();
        var startedAt = new List<DateTimeOffset>();
        for (var run = 1; run <= 5; run++)
        {
            await Wait.UntilAsync(() => _launcher.Children.Count == run && _launcher.Running is not null, $"start {run}", _time, TimeSpan.FromMilliseconds(250));
            startedAt.Add(_time.GetUtcNow());
            _launcher.Running!.Exit(1);
        }

        var gaps = startedAt.Zip(startedAt.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray();
        // The clock moves in 250 ms steps, so a start may come up to one step late.
        Assert.All(new[] { 1.0, 2, 4, 8 }.Zip(gaps), p => Assert.InRange(p.Second, p.First, p.First + 0.25));
    }

    [Fact]
    public async Task A_run_that_lasted_resets_the_pause_to_the_shortest()
    {
        await using var process = Supervise();
        for (var run = 1; run <= 3; run++)
        {
            await Wait.UntilAsync(() => _launcher.Children.Count == run && _launcher.Running is not null, $"start {run}", _time, TimeSpan.FromMilliseconds(250));
            _launcher.Running!.Exit(1);
        }
        await Wait.UntilAsync(() => _launcher.Children.Count == 4 && _launcher.Running is not null, "start 4", _time, TimeSpan.FromMilliseconds(250));
        _time.Advance(SupervisedProcess.StableAfter);
        _launcher.Running!.Exit(0);
        var exitedAt = _time.GetUtcNow();

        await Wait.UntilAsync(() => _launcher.Children.Count == 5, "start 5", _time, TimeSpan.FromMilliseconds(250));

        Assert.InRange((_time.GetUtcNow() - exitedAt).TotalSeconds, 1, 1.25);
    }

    [Fact]
    public async Task Signals_reach_the_running_child()
    {
        await using var process = Supervise();
        await Wait.UntilAsync(() => _launcher.Running is not null, "a start");

        Assert.True(await process.SignalAsync(ChildSignal.Hangup, TestContext.Current.CancellationToken));
        Assert.True(await process.SignalAsync(ChildSignal.User1, TestContext.Current.CancellationToken));

        Assert.Equal([ChildSignal.Hangup, ChildSignal.User1], _launcher.Running!.Signals);
    }

    [Fact]
    public async Task Restart_stops_the_child_and_starts_it_again_without_a_pause()
    {
        await using var process = Supervise();
        await Wait.UntilAsync(() => _launcher.Running is not null, "a start");
        var first = _launcher.Running!;

        await process.RestartAsync(TestContext.Current.CancellationToken);
        // No virtual time passes: a restart asked for waits for no backoff.
        await Wait.UntilAsync(() => _launcher.Children.Count == 2 && _launcher.Running is not null, "the second start");

        Assert.True(first.Stopped);
    }

    [Fact]
    public async Task Disposing_stops_the_child_and_starts_no_other()
    {
        var process = Supervise();
        await Wait.UntilAsync(() => _launcher.Running is not null, "a start");
        var child = _launcher.Running!;

        await process.DisposeAsync();
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.True(child.Stopped);
        Assert.Single(_launcher.Children);
        Assert.False(await process.SignalAsync(ChildSignal.Hangup, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_program_that_cannot_start_is_tried_again_after_the_pause()
    {
        _launcher.StartFails = new System.ComponentModel.Win32Exception(2, "No such file or directory");
        await using var process = Supervise();
        await Wait.UntilAsync(() => _time.GetUtcNow() > new DateTimeOffset(2026, 3, 1, 12, 0, 3, TimeSpan.Zero), "some time", _time, TimeSpan.FromMilliseconds(250));
        _launcher.StartFails = null;

        await Wait.UntilAsync(() => _launcher.Running is not null, "a start once the program is there", _time, TimeSpan.FromMilliseconds(250));
    }
}
